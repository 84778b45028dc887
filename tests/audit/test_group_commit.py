"""Group commit (service/audit/group_commit.py): the records of read requests that wait at the
same moment are written by one call in one transaction, each request answering only after its
batch committed; a failed batch fails every request in it; a bad request fails alone; a
mutation's records stay in its own transaction.

The writer is held where a request's append would be held in production — on a lane another
transaction has locked (tests/audit/chains.py) — so that requests gather behind it."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.event import RecordRefused
from service.audit.group_commit import AuditUnavailable, GroupCommit
from service.audit.models import LANES
from service.audit.recorder import append
from service.audit.verify import verify_tenant
from service.db.urls import APP_ROLE
from service.identity.roles import Role
from tests.audit.chains import (
    appending_and_waiting_for_a_lane,
    event,
    lanes_held,
    request_reads,
    terminate,
)
from tests.graphql import post_graphql
from tests.referral_factories import consent, referral, referral_setting

PARTNER_READS_CLIENT = """
query PartnerReadsClient($id: ID!) {
  referral(id: $id) { purpose client { givenName familyName } }
}
"""
UPDATE_CITY = """
mutation UpdateCity($input: UpdateClientInput!) {
  updateClient(input: $input) { client { city } errors { code } }
}
"""
CONCURRENT = 8
EVERY_LANE = list(range(LANES))
UNAVAILABLE = {
    "data": None,
    "errors": [
        {
            "message": "the request could not be recorded, so no data is returned; try again",
            "extensions": {"code": "AUDIT_UNAVAILABLE"},
        }
    ],
}


@pytest.fixture
async def owner(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
async def partner_read(factories, client, tokens):
    """A partner's read of a referred client, as often as asked; its jobcenter and lanes made
    by a first read."""
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity")

    async def read():
        return await post_graphql(
            client,
            PARTNER_READS_CLIENT,
            headers=tokens.headers(setting.counsellor),
            variables={"id": str(referral_id)},
        )

    assert (await read()).status_code == 200
    read.tenant_id = setting.jobcenter.id
    return read


async def _until(condition, what: str) -> None:
    """Until `condition()` holds (at most five seconds)."""
    for _ in range(500):
        if await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never: {what}")


async def _blocked_writer(owner) -> int | None:
    """The backend of the writer's append while it waits for a held lane, if it does."""
    async with owner.connect() as conn:
        return await appending_and_waiting_for_a_lane(conn, APP_ROLE)


async def _links(owner, tenant_id) -> list[tuple[str, str]]:
    """(operation, xmin) of the jobcenter's links after the first: which transaction wrote each."""
    async with owner.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT operation, xmin::text FROM audit_requests WHERE tenant_id = :t"
                " ORDER BY lane, seq OFFSET 1"
            ),
            {"t": tenant_id},
        )
        return [tuple(row) for row in rows]


async def _verify(owner, tenant_id):
    async with owner.connect() as conn:
        return await verify_tenant(conn, tenant_id)


async def test_concurrent_reads_are_recorded_in_fewer_transactions_than_requests(
    partner_read, owner, runtime
):
    writer = runtime.group_commit
    async with lanes_held(owner, partner_read.tenant_id, EVERY_LANE):
        reads = [asyncio.create_task(partner_read()) for _ in range(CONCURRENT)]
        await _until(lambda: _blocked_writer(owner), "the writer waits for a lane")
        await _until(_all_waiting(writer, CONCURRENT), "every request waits for its batch")
        assert not any(read.done() for read in reads)  # nobody answered before its commit
    responses = await asyncio.gather(*reads)

    assert [r.status_code for r in responses] == [200] * CONCURRENT
    assert all(r.json()["data"]["referral"]["client"]["familyName"] for r in responses)
    links = await _links(owner, partner_read.tenant_id)
    assert [operation for operation, _ in links] == ["PartnerReadsClient"] * CONCURRENT
    # The first batch (held on the lane) and one for everyone who queued behind it.
    assert len({xmin for _, xmin in links}) <= 2
    report = await _verify(owner, partner_read.tenant_id)
    assert (report.intact, report.records_checked) == (True, CONCURRENT + 1)


def _all_waiting(writer: GroupCommit, count: int):
    async def condition() -> bool:
        return writer.waiting == count

    return condition


async def test_a_batch_that_fails_fails_every_request_in_it(partner_read, owner, runtime):
    writer = runtime.group_commit
    failed_before = writer.counts.failed
    async with lanes_held(owner, partner_read.tenant_id, EVERY_LANE):
        reads = [asyncio.create_task(partner_read()) for _ in range(CONCURRENT)]
        await _until(_all_waiting(writer, CONCURRENT), "every request waits for its batch")
        # Each batch in turn loses its connection while it waits: the outcome is unknown to
        # the writer, which tries no batch again.
        killed: set[int] = set()
        while (pid := await _next_blocked_writer(owner, killed, reads)) is not None:
            async with owner.connect() as conn:
                await terminate(conn, pid)
            killed.add(pid)
    responses = await asyncio.gather(*reads)

    assert [(r.status_code, r.json()) for r in responses] == [(503, UNAVAILABLE)] * CONCURRENT
    assert all("Schuldenfrei" not in r.text for r in responses)
    assert await _links(owner, partner_read.tenant_id) == []
    # Fewer batches failed than requests: several requests failed with one batch.
    assert writer.counts.failed - failed_before < CONCURRENT
    # The writer goes on: the next read is recorded and answered.
    assert (await partner_read()).status_code == 200


async def _next_blocked_writer(owner, killed: set[int], reads) -> int | None:
    """The next batch's backend, waiting for a lane; None once every request has its answer."""
    for _ in range(500):
        if all(read.done() for read in reads):
            return None
        pid = await _blocked_writer(owner)
        if pid is not None and pid not in killed:
            return pid
        await asyncio.sleep(0.01)
    raise AssertionError("the writer neither answered nor waited")


async def test_a_request_the_append_would_refuse_fails_alone(factories, owner, runtime):
    jobcenter = await factories.jobcenter()
    async with owner.begin() as conn:
        await append(conn, request_reads(jobcenter.id, 0))  # its lanes exist
    wide = tuple(f"field{n}" for n in range(64))  # one more than a mask holds
    writer = runtime.group_commit

    async with lanes_held(owner, jobcenter.id, EVERY_LANE):
        good = [asyncio.create_task(writer.record(request_reads(jobcenter.id, n))) for n in (1, 2)]
        await _until(_all_waiting(writer, 2), "both requests wait for their batch")
        with pytest.raises(RecordRefused):
            await writer.record([event(jobcenter.id, uuid.uuid4(), uuid.uuid4(), fields=wide)])
    await asyncio.gather(*good)

    report = await _verify(owner, jobcenter.id)
    assert (report.intact, report.records_checked) == (True, 3)


async def test_a_full_queue_and_a_slow_batch_answer_unavailable(factories, owner, runtime):
    jobcenter = await factories.jobcenter()
    async with owner.begin() as conn:
        await append(conn, request_reads(jobcenter.id, 0))
    writer = GroupCommit(runtime.database.engine, queue_size=1, wait_seconds=30, max_batch=1)
    writer.start()
    try:
        async with lanes_held(owner, jobcenter.id, EVERY_LANE):
            held = asyncio.create_task(writer.record(request_reads(jobcenter.id, 1)))
            await _until(lambda: _blocked_writer(owner), "the writer waits for a lane")
            queued = asyncio.create_task(writer.record(request_reads(jobcenter.id, 2)))
            await _until(_all_waiting(writer, 2), "the second request is queued")
            with pytest.raises(AuditUnavailable, match="full"):
                await writer.record(request_reads(jobcenter.id, 3))
        await asyncio.gather(held, queued)

        impatient = GroupCommit(
            runtime.database.engine, queue_size=4, wait_seconds=0.05, max_batch=4
        )
        impatient.start()
        async with lanes_held(owner, jobcenter.id, EVERY_LANE):
            with pytest.raises(AuditUnavailable, match="too long"):
                await impatient.record(request_reads(jobcenter.id, 4))
        await _until(lambda: _committed(impatient), "the slow batch commits after all")
        await impatient.stop()
    finally:
        await writer.stop()

    # Recorded, though not answered: the slow request's records are there (the safe side).
    report = await _verify(owner, jobcenter.id)
    assert (report.intact, report.records_checked) == (True, 4)


async def _committed(writer: GroupCommit) -> bool:
    return writer.counts.committed == 1


async def test_a_mutation_records_its_change_in_its_own_transaction(
    factories, client, tokens, owner, runtime
):
    jobcenter = await factories.jobcenter()
    admin = await factories.staff(jobcenter, Role.JOBCENTER_ADMIN)
    person = await factories.client(jobcenter)
    batches = runtime.group_commit.counts.committed

    response = await post_graphql(
        client,
        UPDATE_CITY,
        headers=tokens.headers(admin),
        variables={"input": {"clientId": str(person.id), "city": "Bremen"}},
    )

    assert response.json()["data"]["updateClient"]["client"]["city"] == "Bremen"
    async with owner.connect() as conn:
        records = await conn.execute(
            text("SELECT action, fields FROM audit_records WHERE subject_id = :s ORDER BY entry"),
            {"s": person.id},
        )
        assert ("write", ["city"]) in [tuple(row) for row in records]
    # Written by the request itself (the failure below shows it: a failed append undoes the
    # change), not by the writer of reads.
    assert runtime.group_commit.counts.committed == batches


async def test_a_mutation_whose_records_fail_changes_nothing(factories, client, tokens, owner):
    jobcenter = await factories.jobcenter()
    admin = await factories.staff(jobcenter, Role.JOBCENTER_ADMIN)
    person = await factories.client(jobcenter)
    async with owner.begin() as conn:
        await conn.execute(text(f"REVOKE EXECUTE ON FUNCTION audit_append FROM {APP_ROLE}"))
    try:
        response = await post_graphql(
            client,
            UPDATE_CITY,
            headers=tokens.headers(admin),
            variables={"input": {"clientId": str(person.id), "city": "Bremen"}},
        )
    finally:
        async with owner.begin() as conn:
            await conn.execute(text(f"GRANT EXECUTE ON FUNCTION audit_append TO {APP_ROLE}"))

    assert (response.status_code, response.json()) == (503, UNAVAILABLE)
    async with owner.connect() as conn:
        city = await conn.scalar(text("SELECT city FROM clients WHERE id = :c"), {"c": person.id})
    assert city != "Bremen"
