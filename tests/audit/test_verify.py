"""The chain shows tampering: a changed, a deleted and an inserted record (request link) or entry
are each caught, and the first broken record is named (and the entry, where the numbering tells
it). A changed dictionary is caught too: the chain hashes names, not codes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.event import AuditAction, AuditEvent
from service.audit.recorder import append
from service.audit.verify import verify_tenant
from service.db.admin import drop_database, ensure_database
from service.db.migrate import upgrade_to_head
from tests.audit.chains import lanes_held


def _event(tenant_id: uuid.UUID, n: int, request_id: str | None = None, **changes) -> AuditEvent:
    subject = uuid.uuid4()
    return AuditEvent(
        tenant_id=tenant_id,
        occurred_at=datetime.now(UTC),
        request_id=uuid.UUID(request_id) if request_id else uuid.uuid4(),
        operation=f"Read{n}",
        action=AuditAction.READ,
        actor_kind="staff",
        actor_id=uuid.uuid4(),
        actor_organisation_id=None,
        subject_id=subject,
        object_type="client",
        object_id=subject,
        fields=("familyName", "givenName"),
        basis="responsible_case_manager",
    )._replace(**changes)


def _request(tenant_id: uuid.UUID, n: int) -> list[AuditEvent]:
    """One request reading a client and its case: one link with two entries."""
    client = _event(tenant_id, n)
    case = client._replace(
        object_type="case", object_id=uuid.uuid4(), fields=("status", "nextReviewDue")
    )
    return [client, case]


def _entries_of_record_2_copied(seq: str, entry: str = "entry") -> str:
    """Forgery: record 2's entries inserted again, as record `seq` with entry number `entry`."""
    return (
        "INSERT INTO audit_entries"
        " (seq, occurred_at, fields, tenant_id, subject_id, object_id, basis, kind, entry, lane)"
        f" SELECT {seq}, occurred_at, fields, tenant_id, subject_id, object_id, basis, kind,"
        f" {entry}, lane FROM audit_entries WHERE tenant_id = :t AND seq = 2"
    )


@pytest.fixture
async def chain(factories, owner_url):
    """A jobcenter with three chained requests of two entries each, and an owner connection to
    tamper with them."""
    jobcenter = await factories.jobcenter()
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.begin() as conn:
        await append(conn, [e for n in range(3) for e in _request(jobcenter.id, n)])
    yield jobcenter.id, engine
    await engine.dispose()


@pytest.fixture
async def two_lanes(chain):
    """The chain of three links in lane 0, and three more requests appended in lane 1 while
    another transaction held lane 0 (as a request not yet committed holds it)."""
    tenant_id, engine = chain
    async with lanes_held(engine, tenant_id, [0]), engine.begin() as conn:
        await append(conn, [e for n in range(3, 6) for e in _request(tenant_id, n)])
    return tenant_id, engine


async def _verify(engine, tenant_id):
    async with engine.connect() as conn:
        return await verify_tenant(conn, tenant_id)


async def _tamper(engine, *statements: str, **params) -> None:
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement), params)


async def test_an_untouched_chain_is_intact(chain):
    tenant_id, engine = chain

    report = await _verify(engine, tenant_id)

    assert (report.intact, report.records_checked) == (True, 3)


@pytest.mark.parametrize(
    "statement",
    [
        # an entry's fields: givenName no longer among those read
        "UPDATE audit_entries SET fields = fields & ~2::bigint WHERE tenant_id = :t AND seq = 2"
        " AND entry = 1",
        # an entry's object, its ground, its client (another id as a parameter: Citus refuses
        # a volatile gen_random_uuid() in an UPDATE of a distributed table)
        "UPDATE audit_entries SET object_id = CAST(:other AS uuid) WHERE tenant_id = :t AND seq = 2"
        " AND entry = 2",
        "UPDATE audit_entries SET subject_id = CAST(:other AS uuid)"
        " WHERE tenant_id = :t AND seq = 2 AND entry = 2",
        # the header: who and what operation
        "UPDATE audit_requests SET operation = 'Harmless' WHERE tenant_id = :t AND seq = 2",
        "UPDATE audit_requests SET actor_id = CAST(:other AS uuid)"
        " WHERE tenant_id = :t AND seq = 2",
        # the last entry of a link taken away: the numbering cannot tell, the hash does
        "DELETE FROM audit_entries WHERE tenant_id = :t AND seq = 2 AND entry = 2",
        # an entry slipped in at the end of a link
        _entries_of_record_2_copied(seq="seq", entry="3") + " AND entry = 1",
    ],
    ids=["fields", "object", "subject", "operation", "actor", "last-entry", "added-entry"],
)
async def test_a_changed_record_is_caught(chain, statement):
    tenant_id, engine = chain
    await _tamper(engine, statement, t=tenant_id, other=uuid.uuid4())

    report = await _verify(engine, tenant_id)

    assert (report.first_broken_seq, report.problem) == (
        2,
        "lane 0: content does not match its hash",
    )


async def test_a_changed_dictionary_is_caught_at_the_first_record_using_it(chain):
    tenant_id, engine = chain
    # "givenName" renamed to "email": every mask with that bit now says something else.
    await _tamper(
        engine,
        "UPDATE audit_fields SET name = 'email' WHERE tenant_id = :t AND name = 'givenName'",
        t=tenant_id,
    )

    report = await _verify(engine, tenant_id)

    assert (report.first_broken_seq, report.problem) == (
        1,
        "lane 0: content does not match its hash",
    )


async def test_a_deleted_dictionary_row_is_named(chain):
    tenant_id, engine = chain
    await _tamper(
        engine, "DELETE FROM audit_fields WHERE tenant_id = :t AND name = 'status'", t=tenant_id
    )

    report = await _verify(engine, tenant_id)

    assert (report.first_broken_seq, report.problem) == (
        1,
        "lane 0: an entry names an unknown field code",
    )


async def test_a_deleted_record_is_caught(chain):
    tenant_id, engine = chain
    await _tamper(
        engine, "DELETE FROM audit_requests WHERE tenant_id = :t AND seq = 2", t=tenant_id
    )

    report = await _verify(engine, tenant_id)

    assert (report.first_broken_seq, report.problem) == (2, "lane 0: record 2 is missing")


async def test_a_deleted_entry_is_named(chain):
    tenant_id, engine = chain
    await _tamper(
        engine,
        "DELETE FROM audit_entries WHERE tenant_id = :t AND seq = 2 AND entry = 1",
        t=tenant_id,
    )

    report = await _verify(engine, tenant_id)

    assert (report.first_broken_seq, report.problem) == (2, "lane 0: entry 1 is missing")


async def test_a_deleted_last_record_is_caught_by_the_chain_head(chain):
    tenant_id, engine = chain
    await _tamper(
        engine, "DELETE FROM audit_requests WHERE tenant_id = :t AND seq = 3", t=tenant_id
    )

    report = await _verify(engine, tenant_id)

    assert report.first_broken_seq == 3
    assert report.problem == "lane 0: chain ends at record 2, but 3 were written"


async def test_an_inserted_record_is_caught(chain):
    tenant_id, engine = chain
    # A forged copy of record 2 slipped in after the last one, with its entries.
    await _tamper(
        engine,
        "INSERT INTO audit_requests (seq, occurred_at, tenant_id, request_id, actor_id,"
        " actor_organisation_id, actor_kind, operation, hash, lane)"
        " SELECT 4, occurred_at, tenant_id, request_id, actor_id,"
        " actor_organisation_id, actor_kind, operation, hash, lane FROM audit_requests"
        " WHERE tenant_id = :t AND seq = 2",
        _entries_of_record_2_copied(seq="4"),
        t=tenant_id,
    )

    report = await _verify(engine, tenant_id)

    assert (report.first_broken_seq, report.problem) == (
        4,
        "lane 0: content does not match its hash",
    )


async def test_entries_without_their_record_are_caught(chain):
    tenant_id, engine = chain
    await _tamper(
        engine,
        _entries_of_record_2_copied(seq="9"),
        t=tenant_id,
    )

    report = await _verify(engine, tenant_id)

    assert (report.first_broken_seq, report.problem) == (
        9,
        "lane 0: entries of record 9, which is missing",
    )


async def test_two_lanes_are_intact_and_both_counted(two_lanes):
    tenant_id, engine = two_lanes

    report = await _verify(engine, tenant_id)

    assert (report.intact, report.records_checked) == (True, 6)


async def test_a_missing_link_in_another_lane_is_named_by_lane_and_seq(two_lanes):
    tenant_id, engine = two_lanes
    await _tamper(
        engine,
        "DELETE FROM audit_requests WHERE tenant_id = :t AND lane = 1 AND seq = 2",
        t=tenant_id,
    )

    report = await _verify(engine, tenant_id)

    # Lane 0 (3 links) and the first link of lane 1 checked before the gap.
    assert (report.first_broken_lane, report.first_broken_seq, report.records_checked) == (1, 2, 4)
    assert report.problem == "lane 1: record 2 is missing"


async def test_a_link_moved_to_another_lane_is_caught_by_its_hash(two_lanes):
    tenant_id, engine = two_lanes
    # The last link of lane 1 moved, with its entries, to start lane 2; both heads made to fit.
    await _tamper(
        engine,
        "UPDATE audit_requests SET lane = 2, seq = 1 WHERE tenant_id = :t AND lane = 1 AND seq = 3",
        "UPDATE audit_entries SET lane = 2, seq = 1 WHERE tenant_id = :t AND lane = 1 AND seq = 3",
        "UPDATE audit_chain_heads h SET seq = r.seq, hash = r.hash FROM audit_requests r"
        " WHERE h.tenant_id = :t AND r.tenant_id = :t AND (h.lane, r.lane, r.seq) IN"
        " ((1, 1, 2), (2, 2, 1))",
        t=tenant_id,
    )

    report = await _verify(engine, tenant_id)

    # Numbering and heads fit; only the hash, which covers the lane, tells.
    assert (report.first_broken_lane, report.first_broken_seq) == (2, 1)
    assert report.problem == "lane 2: content does not match its hash"


async def test_links_beyond_the_lanes_are_caught(two_lanes):
    tenant_id, engine = two_lanes
    await _tamper(
        engine,
        "UPDATE audit_requests SET lane = 16 WHERE tenant_id = :t AND lane = 1",
        "UPDATE audit_entries SET lane = 16 WHERE tenant_id = :t AND lane = 1",
        "UPDATE audit_chain_heads SET lane = 16 WHERE tenant_id = :t AND lane = 1",
        "INSERT INTO audit_chain_heads (tenant_id, lane, seq, hash) VALUES (:t, 1, 0, '')",
        t=tenant_id,
    )

    report = await _verify(engine, tenant_id)

    assert (report.first_broken_lane, report.first_broken_seq) == (16, 1)
    assert report.problem == "lane 16: not one of the 16 lanes"


def test_the_verify_command_names_the_broken_record(server_url, tmp_path):
    import asyncio

    name = f"casework_verify_{uuid.uuid4().hex[:8]}"

    async def prepare():
        url = await ensure_database(server_url, name)
        await upgrade_to_head(url)
        engine = create_async_engine(url, poolclass=pool.NullPool)
        tenant_id = uuid.uuid4()
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO tenants (id, slug, name) VALUES (:t, 'jc-verify', 'Verify')"),
                {"t": tenant_id},
            )
            await append(conn, [_event(tenant_id, n) for n in range(2)])
        return url, engine, tenant_id

    url, engine, tenant_id = asyncio.run(prepare())
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TOKEN_")},
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "SERVICE_DEV_MODE": "true",
        "SERVICE_DATA_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "service.cli", "audit", "verify"]
    try:
        intact = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        asyncio.run(_tamper(engine, "UPDATE audit_bases SET name = 'forged'"))
        broken = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    finally:
        asyncio.run(engine.dispose())
        asyncio.run(drop_database(server_url, name))

    assert intact.returncode == 0, intact.stderr
    assert f"tenant {tenant_id}: 2 records checked, intact" in intact.stdout
    assert broken.returncode == 1
    assert "BROKEN at record 1: lane 0: content does not match its hash" in broken.stdout


AUDIT_VERIFICATION = "{ auditVerification { intact recordsChecked firstBrokenRecord problem } }"


async def test_data_protection_officer_verifies_the_chain_through_the_api(
    client, tokens, factories, owner_url
):
    from service.identity.roles import Role
    from tests.graphql import post_graphql

    jobcenter = await factories.jobcenter()
    dpo = await factories.staff(jobcenter, Role.DATA_PROTECTION_OFFICER)
    case_manager = await factories.staff(jobcenter, Role.CASE_MANAGER)
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.begin() as conn:
        await append(conn, [_event(jobcenter.id, n) for n in range(2)])

    intact = await post_graphql(client, AUDIT_VERIFICATION, headers=tokens.headers(dpo))
    await _tamper(
        engine, "DELETE FROM audit_requests WHERE tenant_id = :t AND seq = 1", t=jobcenter.id
    )
    broken = await post_graphql(client, AUDIT_VERIFICATION, headers=tokens.headers(dpo))
    refused = await post_graphql(client, AUDIT_VERIFICATION, headers=tokens.headers(case_manager))
    await engine.dispose()

    assert intact.json()["data"]["auditVerification"] == {
        "intact": True,
        "recordsChecked": 2,
        "firstBrokenRecord": None,
        "problem": None,
    }
    assert broken.json()["data"]["auditVerification"] == {
        "intact": False,
        "recordsChecked": 0,
        "firstBrokenRecord": 1,
        "problem": "lane 0: record 1 is missing",
    }
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_one_append_for_two_jobcenters_keeps_both_chains(factories, owner_url):
    # A partner's request reads clients of two jobcenters: one call, two chains.
    north, south = await factories.jobcenter(), await factories.jobcenter()
    interleaved = [_event(tenant.id, n) for n in range(3) for tenant in (north, south)]
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.begin() as conn:
        written = await append(conn, interleaved)

    reports = [await _verify(engine, tenant.id) for tenant in (north, south)]
    await engine.dispose()

    assert written == 6
    assert [(r.intact, r.records_checked) for r in reports] == [(True, 3), (True, 3)]
