"""The runtime engine (as the app role) and the per-request session factory."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from service.settings import Settings
from service.tenants.binding import SCOPE_INFO_KEY, ScopedSession
from service.tenants.scope import NO_SCOPE, Scope

APPLICATION_NAME = "casework-service"


class RequestSession(AsyncSession):
    """One request's session, safe to share between the resolvers of that request.

    GraphQL resolves sibling fields concurrently (and DataLoaders dispatch in the same tick),
    but an AsyncSession allows one operation at a time. The lock queues them: one transaction,
    one connection, statements in turn.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turn = asyncio.Lock()

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().scalar(*args, **kwargs)

    # `scalars` is not wrapped: AsyncSession implements it through `execute`, which is.

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self._turn:
            return await super().get(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        async with self._turn:
            await super().flush(*args, **kwargs)

    async def commit(self) -> None:
        async with self._turn:
            await super().commit()

    async def rollback(self) -> None:
        async with self._turn:
            await super().rollback()


def _refuse_closed_connections(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Hand out no connection the server has closed (a restart, a terminated backend): the
    pool then takes or opens another. SQLAlchemy's pre-ping asked the server instead — BEGIN,
    a query and ROLLBACK, three of a case list's thirteen round trips (bench/RESULTS.md, sixth
    run). asyncpg notices the server closing an idle connection as it happens; a connection
    that breaks without notice fails its request, which invalidates the pool's connections."""
    if dbapi_connection.driver_connection.is_closed():
        raise exc.DisconnectionError("the server closed this connection")


class UnsafeDatabaseRole(RuntimeError):
    """The runtime role could read past row-level security; the service refuses to serve."""


class Database:
    def __init__(self, app_url: URL, settings: Settings) -> None:
        self.engine: AsyncEngine = create_async_engine(
            app_url,
            pool_size=settings.db_pool_size,
            max_overflow=0,
            pool_timeout=settings.db_pool_timeout_seconds,
            # Instead of a ping per checkout: see _refuse_closed_connections.
            pool_pre_ping=False,
            connect_args={
                "timeout": settings.db_pool_timeout_seconds,
                "server_settings": {
                    "application_name": APPLICATION_NAME,
                    "statement_timeout": str(settings.db_statement_timeout_ms),
                },
            },
        )
        event.listen(self.engine.sync_engine.pool, "checkout", _refuse_closed_connections)
        self._sessions = async_sessionmaker(
            self.engine,
            class_=RequestSession,
            sync_session_class=ScopedSession,
            expire_on_commit=False,
        )

    def session(self, scope: Scope = NO_SCOPE) -> AsyncSession:
        """A new session whose every transaction is bound to `scope`."""
        return self._sessions(info={SCOPE_INFO_KEY: scope})

    async def assert_row_level_security_applies(self) -> None:
        """Fail at start, not at the first leak, if the runtime role bypasses RLS (invariant 4)."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT r.rolname, r.rolsuper, r.rolbypassrls,"
                        " (SELECT count(*) FROM pg_class c"
                        "   JOIN pg_namespace n ON n.oid = c.relnamespace"
                        "  WHERE c.relowner = r.oid AND n.nspname = 'public') AS owned"
                        " FROM pg_roles r WHERE r.rolname = current_user"
                    )
                )
            ).one()
        if row.rolsuper or row.rolbypassrls or row.owned:
            raise UnsafeDatabaseRole(
                f"database role {row.rolname!r} is a superuser, has BYPASSRLS or owns tables; "
                "connect the service as the app role (see README, Settings)"
            )

    async def dispose(self) -> None:
        await self.engine.dispose()
