"""Pages of the Auskunft's occasions: a page reads the entries of its own requests, not every
record of a client read daily (service/access_report/log.py); paged one at a time, a log whose
requests hold several occasions comes out whole, in order, none twice."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, text

from service.access_report.log import decode_cursor, occasion_rows
from service.audit.event import AuditAction
from service.audit.recorder import append, append_batch
from service.clients.models import Client
from service.tenants.scope import Scope
from tests.audit.chains import event as read_event

READS = 300  # case lists showing the client: two entries each (the client, the case)
PAGE = 5


def _period(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=1), now + timedelta(days=1)


def _case_list(jobcenter_id, client_id, at: datetime, staff: uuid.UUID):
    request = uuid.uuid4()
    client = read_event(
        jobcenter_id, request, client_id, occurred_at=at, actor_id=staff, operation="CaseList"
    )
    case = client._replace(object_type="case", object_id=uuid.uuid4(), fields=("status",))
    return [client, case]


def _entries_read(plan: dict) -> int:
    """Rows the plan's scans of the audit entries (any month's partition) returned."""
    rows = 0
    if plan.get("Relation Name", "").startswith("audit_entries"):
        rows += plan["Actual Rows"] * plan["Actual Loops"]
    for child in plan.get("Plans", []):
        rows += _entries_read(child)
    return rows


async def test_a_page_reads_its_own_requests_not_every_record_of_the_client(
    runtime, factories, owner
):
    jobcenter = await factories.jobcenter()
    client = await factories.client(jobcenter)
    staff = [uuid.uuid4() for _ in range(3)]
    now = datetime.now(UTC)
    ats = [now - timedelta(minutes=n) for n in range(READS)]  # newest first
    async with owner.begin() as conn:
        await append_batch(
            conn,
            [_case_list(jobcenter.id, client.id, at, staff[n % 3]) for n, at in enumerate(ats)],
        )
    async with owner.connect() as conn:  # the statistics a server keeps, this client in them
        await conn.execute(text("ANALYZE audit_entries"))
    from_, to = _period(now)

    async with runtime.database.session(Scope.tenant(jobcenter.id)) as session:
        seen = await session.get(Client, (jobcenter.id, client.id))
        connection = await session.connection()
        sent = []

        def capture(_conn, _cursor, statement, parameters, _context, _many):
            if "jsonb_agg" in statement:
                sent.append((statement, parameters))

        event.listen(connection.sync_connection, "before_cursor_execute", capture)
        first = await occasion_rows(session, seen, from_, to, PAGE, None)
        second = await occasion_rows(
            session, seen, from_, to, PAGE, decode_cursor(first[PAGE - 1].cursor)
        )
        event.remove(connection.sync_connection, "before_cursor_execute", capture)
        plans = []
        for statement, parameters in sent:
            explained = await connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
            )
            plan = explained.scalar()  # asyncpg decodes json
            plans.append((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])

    # The pages: the newest occasions, one a request, in order, the next after the first.
    assert [row.at for row in first[:PAGE]] == ats[:PAGE]
    assert [row.at for row in second[:PAGE]] == ats[PAGE : 2 * PAGE]
    assert len(first) == len(second) == PAGE + 1  # one more: there is a next page
    # Each read entries of about its own requests: not the client's 600 in the period.
    assert len(plans) == 2
    for plan in plans:
        print("READ", _entries_read(plan))
        assert _entries_read(plan) <= 4 * 2 * (PAGE + 2)


async def test_occasions_of_one_request_page_one_at_a_time_whole_and_in_order(
    runtime, factories, owner
):
    jobcenter = await factories.jobcenter()
    client = await factories.client(jobcenter)
    now = datetime.now(UTC)
    async with owner.begin() as conn:
        for minutes in (1, 2, 3):
            # One request: a read by relation, a read under a consent, a write.
            at, request = now - timedelta(minutes=minutes), uuid.uuid4()
            read = read_event(jobcenter.id, request, client.id, occurred_at=at)
            await append(
                conn,
                [
                    read,
                    read._replace(
                        basis=f"consent:{uuid.uuid4()}",
                        object_type="case",
                        object_id=uuid.uuid4(),
                        fields=("status",),
                    ),
                    read._replace(action=AuditAction.WRITE, basis="change", fields=("familyName",)),
                ],
            )
    from_, to = _period(now)

    async with runtime.database.session(Scope.tenant(jobcenter.id)) as session:
        seen = await session.get(Client, (jobcenter.id, client.id))
        everything = await occasion_rows(session, seen, from_, to, None, None)
        paged, after = [], None
        while True:
            page = await occasion_rows(session, seen, from_, to, 1, after)
            paged += page[:1]
            if len(page) <= 1:
                break
            after = decode_cursor(page[0].cursor)

    assert len(everything) == 9
    assert [row.cursor for row in paged] == [row.cursor for row in everything]
    assert [(row.action, row.basis[:8]) for row in everything[:3]] == [
        ("write", "change"),
        ("read", "responsi"),
        ("read", "consent:"),
    ]
