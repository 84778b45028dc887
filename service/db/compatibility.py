"""Which code may serve a database: expand/contract migrations across a rolling deploy.

A release's migration Job runs before its rollout, so for the length of the rollout the old pods
serve a database one release ahead of them. A migration that only *expands* (adds a nullable
column, a table, an index, a function) keeps the old code working; it says so in its module:

    serves_previous_code = True

Removing or renaming what old code still reads (*contract*) waits for the release after the
one that stopped reading it, and leaves that line out.

The old pods cannot read the new release's migration files, so `service migrate` records in the
database itself, as a comment on Alembic's version table, which code revisions may serve it:
the database's revision and, walking back, every revision before an unbroken run of migrations
that serve the previous code. `/readyz` is ready when the code's head is in that list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

DECLARATION = "serves_previous_code"
VERSION_TABLE = "alembic_version"


def serving_revisions(script: ScriptDirectory, database_heads: Iterable[str]) -> list[str]:
    """The code revisions that may serve a database at `database_heads`."""
    serving: set[str] = set()
    for head in database_heads:
        for revision in script.iterate_revisions(head, "base"):
            serving.add(revision.revision)
            if not getattr(revision.module, DECLARATION, False):
                break
    return sorted(serving)


def record_serving_revisions(connection: Connection, serving: list[str]) -> None:
    """Write the list onto the version table (as the owner, in the migration's transaction)."""
    # COMMENT takes no bind parameters; quote_literal does the escaping inside PostgreSQL.
    literal = connection.scalar(
        text("SELECT quote_literal(:c)"), {"c": json.dumps({"serving": serving})}
    )
    connection.execute(text(f"COMMENT ON TABLE {VERSION_TABLE} IS {literal}"))


@dataclass(frozen=True, slots=True)
class DatabaseRevision:
    revisions: frozenset[str]
    serving: frozenset[str]
    """Code revisions recorded as able to serve it (empty: migrated before this was recorded)."""


async def read_database_revision(conn: AsyncConnection) -> DatabaseRevision:
    revisions = frozenset(await conn.scalars(text(f"SELECT version_num FROM {VERSION_TABLE}")))
    comment = await conn.scalar(
        text(f"SELECT obj_description(to_regclass('{VERSION_TABLE}'), 'pg_class')")
    )
    serving: frozenset[str] = frozenset()
    if comment:
        try:
            serving = frozenset(json.loads(comment).get("serving", ()))
        except (ValueError, AttributeError):
            serving = frozenset()
    return DatabaseRevision(revisions=revisions, serving=serving)


def unready_reason(
    database: DatabaseRevision, code_heads: frozenset[str], known: frozenset[str]
) -> str | None:
    """None when this code may serve the database; else the probe's reason."""
    if database.revisions == code_heads or code_heads <= database.serving:
        return None
    if database.revisions <= known:
        return "migrations pending"
    return "database revision not compatible with this code"
