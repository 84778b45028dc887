"""Lanes (migrations/sql/schema/audit.sql): requests of one jobcenter append to parallel chains,
so two transactions that have appended and not yet committed do not wait for each other; a
request waits only when every lane is held, and then on the lane its request id picks. Two lanes
adding the same new name at once get one code."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.audit.event import AuditEvent
from service.audit.models import LANES
from service.audit.recorder import append
from service.audit.verify import verify_tenant
from tests.audit.chains import backend_of, event, lane_of, lanes_held, open_append, waits_on


def _event(tenant_id: uuid.UUID, request_id: str, **changes) -> AuditEvent:
    return event(tenant_id, request_id, uuid.uuid4(), **changes)


@pytest.fixture
async def jobcenter(factories, owner):
    """A jobcenter that has appended once (its lanes exist, as after its first request)."""
    jobcenter = await factories.jobcenter()
    async with open_append(owner, [_event(jobcenter.id, str(uuid.uuid4()))]):
        pass
    return jobcenter


async def _verify(engine, tenant_id):
    async with engine.connect() as conn:
        return await verify_tenant(conn, tenant_id)


async def _until_waiting(engine, backend: int, wait_event: str) -> None:
    """Until the backend waits on a lock of this kind (at most five seconds; on Citus, where
    the wait is on a worker: tests/audit/chains.py)."""
    async with engine.connect() as conn:
        for _ in range(500):
            if await waits_on(conn, backend, wait_event):
                return
            await conn.rollback()
            await asyncio.sleep(0.01)
    raise AssertionError(f"backend {backend} never waited on {wait_event}")


async def test_two_open_transactions_of_one_jobcenter_do_not_block_each_other(jobcenter, owner):
    first, second = str(uuid.uuid4()), str(uuid.uuid4())

    async with (
        open_append(owner, [_event(jobcenter.id, first)]) as one,
        open_append(owner) as two,
    ):
        # Were the second to wait for the first's lane, this would fail after 200 ms.
        await two.execute(text("SET LOCAL lock_timeout = '200ms'"))
        await append(two, [_event(jobcenter.id, second)])
        lanes = (await lane_of(one, first), await lane_of(two, second))

    report = await _verify(owner, jobcenter.id)
    assert lanes == (0, 1)
    assert (report.intact, report.records_checked) == (True, 3)


async def test_with_every_lane_held_a_request_waits_on_the_lane_its_id_picks(jobcenter, owner):
    request = uuid.uuid4()
    picked = request.bytes[15] % LANES
    others = [lane for lane in range(LANES) if lane != picked]

    async with lanes_held(owner, jobcenter.id, others):
        holder = await owner.connect()
        await holder.execute(
            text("SELECT 1 FROM audit_chain_heads WHERE tenant_id = :t AND lane = :l FOR UPDATE"),
            {"t": jobcenter.id, "l": picked},
        )
        async with open_append(owner) as waiting:
            backend = await backend_of(waiting)
            await waiting.execute(text("SET LOCAL lock_timeout = '5s'"))
            appending = asyncio.create_task(append(waiting, [_event(jobcenter.id, str(request))]))
            await _until_waiting(owner, backend, "transactionid")
            # Only the picked lane is let go: had it waited on another, it would time out.
            await holder.rollback()
            await holder.close()
            await appending
            lane = await lane_of(waiting, str(request))

    assert lane == picked
    assert (await _verify(owner, jobcenter.id)).intact


async def test_with_every_lane_held_a_request_waits_and_adds_no_lane(jobcenter, owner):
    async with lanes_held(owner, jobcenter.id, list(range(LANES))), owner.connect() as conn:
        await conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
        with pytest.raises(DBAPIError) as waited:
            await append(conn, [_event(jobcenter.id, str(uuid.uuid4()))])

    assert "lock timeout" in str(waited.value)
    async with owner.connect() as conn:
        lanes = await conn.scalar(
            text("SELECT count(*) FROM audit_chain_heads WHERE tenant_id = :t"),
            {"t": jobcenter.id},
        )
    assert lanes == LANES


async def test_two_lanes_adding_the_same_new_names_get_the_same_codes(jobcenter, owner):
    new_names = {
        "object_type": "progress_report",
        "fields": ("familyName", "newlyGuarded"),
        "basis": f"consent:{uuid.uuid4()}",
    }
    first, second = str(uuid.uuid4()), str(uuid.uuid4())

    async with (
        open_append(owner, [_event(jobcenter.id, first, **new_names)]) as one,
        open_append(owner) as two,
    ):
        backend = await backend_of(two)
        appending = asyncio.create_task(append(two, [_event(jobcenter.id, second, **new_names)]))
        # The second waits for the first's new codes (not for its lane) ...
        await _until_waiting(owner, backend, "advisory")
        await one.commit()
        # ... and then finds them instead of numbering the same names again.
        await appending
        lanes = (await lane_of(one, first), await lane_of(two, second))

    async with owner.connect() as conn:
        codes = (
            await conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM audit_kinds WHERE tenant_id = :t"
                    "         AND object_type = 'progress_report') AS kinds,"
                    "       (SELECT count(*) FROM audit_fields WHERE tenant_id = :t"
                    "         AND name = 'newlyGuarded') AS fields,"
                    "       (SELECT count(*) FROM audit_bases WHERE tenant_id = :t"
                    "         AND name = :b) AS bases"
                ),
                {"t": jobcenter.id, "b": new_names["basis"]},
            )
        ).one()
        records = (
            await conn.execute(
                text(
                    "SELECT lane, object_type, fields, basis FROM audit_records"
                    " WHERE request_id IN (:one, :two) ORDER BY lane"
                ),
                {"one": first, "two": second},
            )
        ).all()
    report = await _verify(owner, jobcenter.id)
    assert lanes == (0, 1)
    assert tuple(codes) == (1, 1, 1)
    assert [tuple(r) for r in records] == [
        (lane, "progress_report", ["familyName", "newlyGuarded"], new_names["basis"])
        for lane in (0, 1)
    ]
    assert (report.intact, report.records_checked) == (True, 3)
