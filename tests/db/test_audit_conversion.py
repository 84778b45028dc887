"""Migration 0017 converts the audit log both ways and the chains verify at both revisions: up,
old records become one link per request (in the old order) with coded entries; down, one
record per entry again, chained as 0006 chains them. A broken old chain is refused, not
re-chained (that would hide the tampering). Verification is today's (lanes, 0018), so the
compact log is verified at head: converted links are lane 0 and keep their hashes. 0018 goes
down only while every link is in lane 0 (folding lanes into one chain would rehash it)."""

from __future__ import annotations

import json
import uuid

import pytest
from alembic import command
from sqlalchemy import pool, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.verify import verify_tenant
from service.db.admin import drop_database, ensure_database
from service.db.migrate import alembic_config
from tests.audit.chains import lanes_held

BEFORE = "0016_indexes_without_tenant"
COMPACT = "0017_audit_compact"
HEAD = "head"
OLD_RECORDS = (
    "SELECT tenant_id, request_id, operation, action, actor_kind, actor_id, subject_id,"
    " object_type, object_id, fields, basis FROM {table} ORDER BY tenant_id, seq{entry}"
)


def _event(tenant, request, subject, object_type="client", object_id=None, **changes) -> dict:
    return {
        "tenant_id": str(tenant),
        "occurred_at": "2026-11-23T09:30:00.000001+00:00",
        "request_id": str(request),
        "operation": "CaseList",
        "action": "read",
        "actor_kind": "staff",
        "actor_id": str(uuid.UUID(int=1)),
        "actor_organisation_id": None,
        "subject_id": str(subject),
        "object_type": object_type,
        "object_id": str(object_id or subject),
        "fields": ["familyName", "givenName"],
        "basis": "responsible_case_manager",
    } | changes


@pytest.fixture
async def database(server_url):
    name = f"casework_convert_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(server_url, name)
    engine = create_async_engine(url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()
    await drop_database(server_url, name)


async def _migrate(engine, direction: str, revision: str) -> None:
    def run(sync_conn):
        config = alembic_config()
        config.attributes["connection"] = sync_conn
        getattr(command, direction)(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def _sql(engine, statement: str, **params):
    async with engine.begin() as conn:
        result = await conn.execute(text(statement), params)
        return result.all() if result.returns_rows else None


async def _append(engine, events: list[dict]) -> None:
    await _sql(engine, "SELECT audit_append(CAST(:e AS jsonb))", e=json.dumps(events))


async def _jobcenters(engine) -> tuple[uuid.UUID, uuid.UUID]:
    north, south = uuid.uuid4(), uuid.uuid4()
    for tenant, slug in ((north, "jc-north"), (south, "jc-south")):
        await _sql(
            engine,
            "INSERT INTO tenants (id, slug, name) VALUES (:t, :s, :s)",
            t=tenant,
            s=slug,
        )
    return north, south


async def _verify(engine, tenant):
    async with engine.connect() as conn:
        return await verify_tenant(conn, tenant)


async def test_records_convert_up_and_down_and_the_chains_verify_at_both(database):
    await _migrate(database, "upgrade", BEFORE)
    north, south = await _jobcenters(database)
    client, case = uuid.uuid4(), uuid.uuid4()
    first, second, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    # Two requests of the north interleaved with one of the south, as concurrent calls leave them.
    await _append(
        database,
        [
            _event(north, first, client),
            _event(south, other, uuid.uuid4(), fields=["city"]),
            _event(north, first, client, "case", case, fields=["status"], basis="consent:x"),
        ],
    )
    await _append(database, [_event(north, second, client, action="write", fields=["phone"])])
    old = await _sql(database, OLD_RECORDS.format(table="audit_log", entry=""))

    await _migrate(database, "upgrade", HEAD)
    links = await _sql(
        database,
        "SELECT seq, request_id, count(*) AS entries FROM audit_records WHERE tenant_id = :t"
        " GROUP BY seq, request_id ORDER BY seq",
        t=north,
    )
    converted = await _sql(database, OLD_RECORDS.format(table="audit_records", entry=", entry"))
    stored_ids = await _sql(
        database, "SELECT object_id FROM audit_entries WHERE tenant_id = :t ORDER BY seq, entry",
        t=north,
    )  # fmt: skip
    reports = [await _verify(database, tenant) for tenant in (north, south)]
    assert [(r.seq, r.request_id, r.entries) for r in links] == [(1, first, 2), (2, second, 1)]
    assert converted == old
    assert [r.object_id for r in stored_ids] == [None, case, None]
    assert [(r.intact, r.records_checked) for r in reports] == [(True, 2), (True, 1)]

    # The converted chain goes on where it ended, then everything goes back down.
    await _append(database, [_event(north, uuid.uuid4(), client, operation="After")])
    assert (await _verify(database, north)).records_checked == 3
    await _migrate(database, "downgrade", BEFORE)
    back = await _sql(database, OLD_RECORDS.format(table="audit_log", entry=""))
    heads = dict(await _sql(database, "SELECT tenant_id, seq FROM audit_chain_heads"))
    assert [r for r in back if r.tenant_id == north][:3] == [r for r in old if r.tenant_id == north]
    assert [r for r in back if r.tenant_id == south] == [r for r in old if r.tenant_id == south]
    assert heads == {north: 4, south: 1}

    # Upgrading again re-checks the old chain first (0006's hashes): it passes.
    await _migrate(database, "upgrade", HEAD)
    assert (await _verify(database, north)).records_checked == 3


async def test_a_broken_old_chain_is_refused_not_re_chained(database):
    await _migrate(database, "upgrade", BEFORE)
    north, _ = await _jobcenters(database)
    await _append(database, [_event(north, uuid.uuid4(), uuid.uuid4()) for _ in range(3)])
    await _sql(database, "UPDATE audit_log SET basis = 'forged' WHERE seq = 2")

    with pytest.raises(DBAPIError) as refused:
        await _migrate(database, "upgrade", COMPACT)

    assert f"audit chain of tenant {north} is broken at record 2" in str(refused.value)
    tables = await _sql(database, "SELECT to_regclass('audit_log') IS NOT NULL AS kept")
    assert tables[0].kept


async def test_lanes_go_down_to_one_chain_only_while_every_link_is_in_lane_0(database):
    await _migrate(database, "upgrade", HEAD)
    north, _ = await _jobcenters(database)
    await _append(database, [_event(north, uuid.uuid4(), uuid.uuid4())])
    # Lane 0 held by an open transaction: the next request's link goes to lane 1.
    async with lanes_held(database, north, [0]):
        await _append(database, [_event(north, uuid.uuid4(), uuid.uuid4())])

    with pytest.raises(DBAPIError) as refused:
        await _migrate(database, "downgrade", COMPACT)

    assert f"audit chain of tenant {north} has links in lane 1" in str(refused.value)
    assert (await _verify(database, north)).records_checked == 2  # nothing changed


async def test_a_chain_in_lane_0_goes_down_and_up_again_unchanged(database):
    await _migrate(database, "upgrade", HEAD)
    north, _ = await _jobcenters(database)
    await _append(database, [_event(north, uuid.uuid4(), uuid.uuid4()) for _ in range(2)])
    before = await _sql(database, "SELECT seq, hash FROM audit_requests ORDER BY seq")

    await _migrate(database, "downgrade", COMPACT)
    at_compact = await _sql(database, "SELECT seq, hash FROM audit_requests ORDER BY seq")
    heads = await _sql(database, "SELECT seq FROM audit_chain_heads")
    await _migrate(database, "upgrade", HEAD)

    assert at_compact == before  # lane 0 was never hashed: the hashes are 0017's
    assert [h.seq for h in heads] == [2]  # one head per jobcenter again
    assert (await _verify(database, north)).records_checked == 2
