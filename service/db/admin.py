"""Server-level chores done as the owner: creating and dropping databases."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import URL

from service.db.urls import with_database


async def ensure_database(server_url: URL, database: str) -> URL:
    """Create `database` on the server if it is missing; return its URL."""
    conn = await _connect(server_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            # Identifiers cannot be bound; `database` is ours, never user input.
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()
    return with_database(server_url, database)


async def drop_database(server_url: URL, database: str) -> None:
    conn = await _connect(server_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await conn.close()


async def _connect(url: URL) -> asyncpg.Connection:
    return await asyncpg.connect(
        user=url.username,
        password=url.password,
        database=url.database,
        host=url.query.get("host") or url.host,
        port=url.port,
    )
