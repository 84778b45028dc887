"""On a real Citus cluster (`make test-citus`, issue 19): the schema is distributed as
migrations/citus/distribute.sql says, a jobcenter's rows live on a worker, and row-level security
holds on the workers themselves — connected to a worker directly as the service's role, a shard
shows only the jobcenter bound in that transaction. Skipped outside `make test-citus`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.db.urls import APP_ROLE
from service.tenants.binding import _BIND as SERVICE_BINDING

pytestmark = pytest.mark.skipif(
    not os.environ.get("CITUS_TEST_DATABASE_URL"),
    reason="needs a Citus cluster: make test-citus (deploy/citus/)",
)

SQL = (Path(__file__).resolve().parents[2] / "migrations" / "citus" / "distribute.sql").read_text()
REFERENCE = set(re.findall(r"create_reference_table\('(\w+)'\)", SQL))
DISTRIBUTED = set(re.findall(r"create_distributed_table\('(\w+)', 'tenant_id'", SQL))


@pytest.fixture
async def owner(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()


async def _shard_of(owner, table: str, tenant_id) -> tuple[str, str, int]:
    """The shard table holding `tenant_id`'s rows of `table`, and the node it is placed on."""
    async with owner.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT s.shardid, p.nodename, p.nodeport"
                    " FROM pg_dist_shard s JOIN pg_dist_shard_placement p USING (shardid)"
                    " WHERE s.shardid = get_shard_id_for_distribution_column("
                    " CAST(:t AS regclass), CAST(:v AS text))"
                ),
                {"t": table, "v": str(tenant_id)},
            )
        ).one()
    return f"{table}_{row.shardid}", row.nodename, row.nodeport


async def test_two_workers_and_every_table_distributed_as_decided(owner):
    async with owner.connect() as conn:
        workers = (
            await conn.execute(
                text(
                    "SELECT nodeport FROM pg_dist_node"
                    " WHERE groupid <> 0 AND isactive AND noderole = 'primary'"
                )
            )
        ).all()
        kinds = dict(
            (
                await conn.execute(
                    text("SELECT logicalrelid::text, partmethod::text FROM pg_dist_partition")
                )
            ).all()
        )
        nodes_with_shards = await conn.scalar(
            text(
                "SELECT count(DISTINCT p.nodeport) FROM pg_dist_shard s"
                " JOIN pg_dist_shard_placement p USING (shardid)"
                " WHERE s.logicalrelid = 'clients'::regclass"
            )
        )

    assert len(workers) == 2
    assert {t for t, m in kinds.items() if m == "n"} == REFERENCE
    # Partitions of the audit log are distributed with their parents, hence a superset.
    assert {t for t, m in kinds.items() if m == "h"} >= DISTRIBUTED
    assert nodes_with_shards == 2


async def test_a_jobcenters_client_is_stored_on_a_worker(owner, factories):
    home = await factories.jobcenter()
    client = await factories.client(home)
    shard, host, port = await _shard_of(owner, "clients", home.id)

    worker = await asyncpg.connect(host=host, port=port, user="postgres", database=_db(owner))
    try:
        stored = await worker.fetchval(f"SELECT count(*) FROM {shard} WHERE id = $1", client.id)
    finally:
        await worker.close()

    coordinator_port = owner.url.port
    assert port != coordinator_port
    assert stored == 1


async def test_row_level_security_holds_on_the_worker(owner, factories):
    """Whoever reaches a worker as the service role sees a shard through the same policies."""
    home, other = await factories.jobcenter(), await factories.jobcenter()
    await factories.client(home)
    shard, host, port = await _shard_of(owner, "clients", home.id)

    async def count_as_app(bound: str | None) -> int:
        worker = await asyncpg.connect(host=host, port=port, user=APP_ROLE, database=_db(owner))
        try:
            async with worker.transaction():
                if bound is not None:
                    await worker.execute(f"SET LOCAL app.tenant_id = '{bound}'")
                return await worker.fetchval(
                    f"SELECT count(*) FROM {shard} WHERE tenant_id = $1", home.id
                )
        finally:
            await worker.close()

    assert await count_as_app(None) == 0
    assert await count_as_app(str(other.id)) == 0
    assert await count_as_app(str(home.id)) == 1


async def test_the_services_tenant_binding_reaches_the_workers(runtime, factories):
    """Through the coordinator, as the service binds a transaction (service/tenants/binding.py):
    the bound jobcenter's client is found. Citus forwards SET LOCAL to the workers, never a
    set_config() call, so a binding by set_config() leaves the workers' policies unbound."""
    home = await factories.jobcenter()
    client = await factories.client(home)

    async with runtime.database.engine.connect() as conn:
        await conn.execute(SERVICE_BINDING, {"tenant_id": str(home.id), "organisation_id": ""})
        found = await conn.scalar(
            text("SELECT count(*) FROM clients WHERE tenant_id = :t AND id = :id"),
            {"t": home.id, "id": client.id},
        )
        await conn.rollback()

    assert found == 1


def _db(owner) -> str:
    return owner.url.database
