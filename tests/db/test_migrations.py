"""The baseline migration runs up from empty, matches the ORM models, and goes down again."""

from __future__ import annotations

import re

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.db.migrate import alembic_config, head_revisions, upgrade_to_head
from service.tables import all_tables

PARTITION = re.compile(r"^audit_(requests|entries)_\d{4}_\d{2}$")


async def test_database_of_this_run_is_at_head(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        revisions = set(await conn.scalars(text("SELECT version_num FROM alembic_version")))
    await engine.dispose()

    assert revisions == head_revisions()


def _not_a_partition(obj, name, type_, reflected, compare_to) -> bool:
    # Monthly partitions of the audit log exist only in the database, by design.
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not PARTITION.match(table or "")


async def test_models_and_migrations_agree(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        differences = await conn.run_sync(
            lambda sync_conn: compare_metadata(
                MigrationContext.configure(sync_conn, opts={"include_object": _not_a_partition}),
                all_tables(),
            )
        )
    await engine.dispose()

    assert differences == []


async def test_migrations_go_down_to_empty_and_up_again(scratch_database):
    from alembic import command

    await upgrade_to_head(scratch_database)
    engine = create_async_engine(scratch_database, poolclass=pool.NullPool)

    def downgrade(sync_conn):
        config = alembic_config()
        config.attributes["connection"] = sync_conn
        command.downgrade(config, "base")

    async with engine.begin() as conn:
        await conn.run_sync(downgrade)
    async with engine.connect() as conn:
        tables = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'alembic_version'"
            )
        )
    await engine.dispose()
    assert tables == 0

    await upgrade_to_head(scratch_database)


def test_the_migrations_have_one_head():
    # Branches are fine while domains grow side by side; what lands joins them again.
    assert len(head_revisions()) == 1
