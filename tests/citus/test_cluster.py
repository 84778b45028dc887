"""On a real Citus cluster (`make test-citus`, issue 19): the schema is distributed as
migrations/citus/distribute.sql says, a jobcenter's rows live on a worker, and row-level security
holds on the workers themselves — connected to a worker directly as the service's role, a shard
shows only the jobcenter bound in that transaction. Skipped outside `make test-citus`."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import exc, pool, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from service.audit.anchoring import read_heads
from service.audit.recorder import append
from service.audit.verify import verify_tenant
from service.clients.erasure import erase_client_rows
from service.db.urls import APP_ROLE
from service.tables import all_tables
from service.tenants.binding import scope_binding
from service.tenants.scope import Scope
from tests.audit.chains import event
from tests.referral_factories import consent, referral, referral_setting

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
        groups = dict(
            (
                await conn.execute(
                    text(
                        "SELECT logicalrelid::text, colocationid FROM pg_dist_partition"
                        " WHERE partmethod = 'h'"
                    )
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
    # The audit log in a colocation group of its own (a write's records: docs/scale-out.md,
    # item 7), the case data in another.
    audit = {t for t in DISTRIBUTED if t.startswith("audit_")}
    assert len({groups[t] for t in audit}) == 1
    assert len({groups[t] for t in DISTRIBUTED - audit}) == 1
    assert {groups[t] for t in audit}.isdisjoint(groups[t] for t in DISTRIBUTED - audit)


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
    the bound jobcenter's client is found, and no other jobcenter's. Citus forwards SET LOCAL to
    the workers, never a set_config() call, so a binding by set_config() left the workers'
    policies unbound (0 rows, docs/scale-out.md); app_bind_scope() binds by SET LOCAL."""
    home, other = await factories.jobcenter(), await factories.jobcenter()
    client = await factories.client(home)
    await factories.client(other)

    async def clients_seen(scope: Scope) -> tuple[int, int]:
        async with runtime.database.engine.connect() as conn:
            await conn.execute(scope_binding(scope))
            routed = await conn.scalar(
                text("SELECT count(*) FROM clients WHERE tenant_id = :t AND id = :id"),
                {"t": home.id, "id": client.id},
            )
            # Without the tenant in the query: every shard asked, each worker's policy decides.
            fanned_out = await conn.scalar(
                text("SELECT count(*) FROM clients WHERE tenant_id IN (:a, :b)"),
                {"a": home.id, "b": other.id},
            )
            await conn.rollback()
        return routed, fanned_out

    assert await clients_seen(Scope.tenant(home.id)) == (1, 1)
    assert await clients_seen(Scope.tenant(other.id)) == (0, 1)


async def test_erasure_reaches_the_never_edited_rows_on_the_workers(runtime, factories):
    """The erasure-only trigger fires on the workers, where the shards are: outside an erasure it
    refuses the update there, and erasure's SET LOCAL switch reaches it (set_config() would not),
    so the client's consent is blanked as on one server."""
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    consent_id = await consent(factories, setting, referral_id, "identity")

    async with AsyncSession(runtime.database.engine) as session:
        await session.execute(scope_binding(Scope.tenant(setting.jobcenter.id)))
        with pytest.raises(exc.DBAPIError, match="only erasure blanks them"):
            async with session.begin_nested():
                await session.execute(
                    text("UPDATE consents SET evidence_reference = NULL WHERE id = :id"),
                    {"id": consent_id},
                )
        erased = await erase_client_rows(session, setting.client.id, tables=all_tables())
        evidence = await session.scalar(
            text("SELECT evidence_reference FROM consents WHERE id = :id"), {"id": consent_id}
        )
        await session.rollback()

    assert ("consents", consent_id) in {(row.table, row.row_id) for row in erased}
    assert evidence is None


async def test_anchoring_reads_every_jobcenters_heads_across_the_shards(runtime, factories, owner):
    """audit_anchor_heads() (SECURITY DEFINER) reads the chain heads of all jobcenters: a
    multi-shard query through the coordinator, as `service audit anchor` runs it. The heads are
    planted (a known seq and hash each) and removed after: heads without records would break
    every later verification of the whole log."""
    jobcenters = await _jobcenters_on_both_workers(owner, factories)
    planted = {j.id: (seq, bytes([seq]) * 32) for seq, j in enumerate(jobcenters, start=1)}
    async with owner.begin() as conn:
        for tenant_id, (seq, digest) in planted.items():
            await conn.execute(
                text(
                    "INSERT INTO audit_chain_heads (tenant_id, lane, seq, hash)"
                    " VALUES (:t, 0, :seq, :hash)"
                ),
                {"t": tenant_id, "seq": seq, "hash": digest},
            )
    try:
        heads = await read_heads(runtime.database.engine)
    finally:
        async with owner.begin() as conn:
            await conn.execute(
                text("DELETE FROM audit_chain_heads WHERE tenant_id = ANY(:ts)"),
                {"ts": list(planted)},
            )

    read = {head.tenant_id: (head.seq, head.hash) for head in heads if head.tenant_id in planted}
    assert read == planted


async def test_one_append_over_jobcenters_on_both_workers_is_a_chain_in_each(owner, factories):
    """audit_append names one jobcenter in each statement, so Citus routes each to its shard:
    one call over jobcenters on both workers (as a group-committed batch) writes a link in each
    jobcenter's chain, and each chain verifies."""
    jobcenters = await _jobcenters_on_both_workers(owner, factories)
    request = uuid.uuid4()
    async with owner.begin() as conn:
        written = await append(conn, [event(j.id, request, uuid.uuid4()) for j in jobcenters])

    async with owner.connect() as conn:
        reports = [await verify_tenant(conn, j.id) for j in jobcenters]
    assert written == len(jobcenters)
    assert [(r.records_checked, r.problem) for r in reports] == [(1, None)] * len(jobcenters)


async def _jobcenters_on_both_workers(owner, factories) -> list:
    """New jobcenters until their audit chain heads lie on both workers (8 shards a table, each
    jobcenter's on one of them)."""
    jobcenters, ports = [], set()
    while len(ports) < 2 and len(jobcenters) < 32:
        jobcenters.append(await factories.jobcenter())
        ports.add((await _shard_of(owner, "audit_chain_heads", jobcenters[-1].id))[2])
    assert len(ports) == 2
    return jobcenters


def _db(owner) -> str:
    return owner.url.database
