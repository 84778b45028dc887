"""Alembic environment: runs migrations as the database owner, online, on asyncpg.

Migrations are written for a live database (STYLE.md): each transaction sets a short
`lock_timeout`, so a migration that would queue behind long-running traffic fails fast instead of
blocking every request behind its lock.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from service.db.compatibility import record_serving_revisions, serving_revisions
from service.tables import all_tables

LOCK_TIMEOUT = "5s"

config = context.config
target_metadata = all_tables()


def _owner_url() -> str:
    url = config.attributes.get("owner_url") or config.get_main_option("sqlalchemy.url")
    if url:
        return str(url)
    # Run by hand: resolve the database the same way the service does.
    from service.db.location import resolve_database_sync
    from service.settings import load_settings

    return resolve_database_sync(load_settings()).owner.render_as_string(hide_password=False)


def _run(connection: Connection) -> None:
    connection.execute(text(f"SET lock_timeout = '{LOCK_TIMEOUT}'"))
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
        # What the old pods of a rolling deploy read to stay ready (service/db/compatibility.py).
        heads = context.get_context().get_current_heads()
        record_serving_revisions(connection, serving_revisions(context.script, heads))


async def _run_async() -> None:
    engine = create_async_engine(_owner_url(), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `service migrate`")

connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_async())
