"""Alembic, driven from code: upgrade to head, and tell whether a database is current."""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import pool, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from service.db.urls import APP_ROLE
from service.resources import MIGRATIONS_DIR


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revisions() -> frozenset[str]:
    """The heads of the migration graph. Domains may branch from a common revision (cases and
    consent do), so there can be several until a merge revision joins them."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads, "the migrations folder has no revision"
    return frozenset(heads)


@cache
def known_revisions() -> frozenset[str]:
    """Every revision this code has, to tell a database behind it from one ahead of it."""
    script = ScriptDirectory.from_config(alembic_config())
    return frozenset(revision.revision for revision in script.walk_revisions())


async def upgrade_to_head(
    owner_url: URL, *, app_password: str | None = None, config: Config | None = None
) -> None:
    """Apply every pending migration as the owner, in one transaction. `config`: another
    migrations folder (tests apply a later release's migration that way)."""
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, config or alembic_config())
            if app_password is not None:
                await _set_app_password(connection, app_password)
    finally:
        await engine.dispose()


def _upgrade(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, "heads")


async def _set_app_password(connection: AsyncConnection, password: str) -> None:
    # ALTER ROLE takes no bind parameters; quote_literal does the escaping inside PostgreSQL.
    literal = await connection.scalar(text("SELECT quote_literal(:p)"), {"p": password})
    await connection.execute(text(f"ALTER ROLE {APP_ROLE} PASSWORD {literal}"))
