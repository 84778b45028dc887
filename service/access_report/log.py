"""The audit records of one client, grouped into occasions (one actor's request, on one ground),
for the Auskunft: a page's requests found first, newest first, on the index of the client's
entries in time order (subject_id, occurred_at; migration 0011); then only those requests'
entries of the client grouped, and each occasion's request header looked up by its key; the
field masks decoded here with the jobcenter's field dictionary, loaded once.

A page so costs its own requests, whatever the client's record count: for a client with 20,000
entries in three months a page of 20 read ≈ 50 entries, 250–360 buffers, 0.6–0.7 ms (and
0.4–0.6 ms to plan), on the first page as on the fiftieth, and the same for a client with
1,000; grouping every entry of the client in the newest month (the index held no time) read
6,748 of them, 13,887 buffers, 12.5–18.5 ms, growing with every read of the client (EXPLAIN
ANALYZE as casework_app, warm). The cursor orders by the link's lane and seq (not the request
id) within one instant (links are keyed by (tenant, lane, seq): migrations/sql/schema/audit.sql).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, bindparam, func, select, text, true, tuple_, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select, Subquery

from service.audit.codes import FieldNames
from service.audit.models import AuditBasis, AuditEntry, AuditKind, AuditRequest
from service.clients.models import Client
from service.errors import ValidationFailed
from service.moments import parse_datetime

# A generic plan (PostgreSQL's choice after five runs of a prepared statement) cannot see the
# period or how often this client is read: it estimates an average client's entries times a
# default share for the range, about one row, and then grouped every entry of the client in
# the window (20,000 of them: 14 ms for the requests alone) instead of reading the page's. A
# custom plan, made for the values, reads the page's. For these statements only: the mode as
# it was is read first (in the subquery, before the setting) and put back after them.
_CUSTOM_PLANS = text(
    "SELECT previous, set_config('plan_cache_mode', 'force_custom_plan', true)"
    " FROM (SELECT current_setting('plan_cache_mode') AS previous OFFSET 0) AS before"
)
_PLANS_AS_BEFORE = text("SELECT set_config('plan_cache_mode', :previous, true)")


@asynccontextmanager
async def _custom_plans(session: AsyncSession) -> AsyncIterator[None]:
    previous = await session.scalar(_CUSTOM_PLANS)
    yield
    # Not on an error: the transaction is then rolled back, and its setting with it.
    await session.execute(_PLANS_AS_BEFORE, {"previous": previous})


@dataclass(frozen=True, slots=True)
class LogRow:
    at: datetime
    lane: int
    seq: int
    request_id: uuid.UUID
    action: str
    basis: str
    operation: str
    actor_kind: str
    actor_id: uuid.UUID
    organisation_id: uuid.UUID | None
    objects: list[dict]  # {"type", "id", "fields": [GraphQL field names]}

    @property
    def cursor(self) -> str:
        key = [self.at.isoformat(), self.lane, self.seq, self.action, self.basis]
        return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_cursor(cursor: str | None) -> tuple | None:
    if cursor is None:
        return None
    try:
        at, lane, seq, action, basis = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return parse_datetime(at), int(lane), int(seq), str(action), str(basis)
    except (ValueError, TypeError, binascii.Error):
        raise ValidationFailed("after", "invalid cursor", "ungültiger Cursor") from None


async def occasion_rows(
    session: AsyncSession,
    client: Client,
    from_: datetime,
    to: datetime,
    first: int | None,
    after: tuple | None,
) -> list[LogRow]:
    """The client's occasions in [from_, to), newest first: all of them, or a page of `first`
    (and one more, which only tells that there is a next page) after the cursor `after`.

    A page is read in windows of whole months going back from its end (one month, then two,
    four, …), each reading only the page's requests: a statement over one month is planned for
    that month's partitions only (0.4–0.6 ms, against ≈ 2.3 over a year's)."""
    names = await FieldNames.load(session, client.tenant_id)
    async with _custom_plans(session):
        if first is None:
            return await _occasions(session, names, client, from_, to, None, after)
        end = to if after is None else min(to, after[0] + timedelta(microseconds=1))
        rows: list[LogRow] = []
        months = 1
        while len(rows) <= first and end > from_:
            start = max(from_, _months_before(end, months))
            wanted = first + 1 - len(rows)
            rows += await _occasions(session, names, client, start, end, wanted, after)
            end, months = start, months * 2
    return rows


def _months_before(end: datetime, months: int) -> datetime:
    """The start of the month `months - 1` months before the one holding the instant before
    `end`: the window [that, end) spans `months` calendar months (the partitions)."""
    last = end - timedelta(microseconds=1)
    index = last.year * 12 + last.month - 1 - (months - 1)
    return last.replace(
        year=index // 12, month=index % 12 + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )


async def _occasions(
    session: AsyncSession,
    names: FieldNames,
    client: Client,
    from_: datetime,
    to: datetime,
    limit: int | None,
    after: tuple | None,
) -> list[LogRow]:
    values = {"tenant": client.tenant_id, "subject": client.id, "from_": from_, "to": to}
    if after is not None:
        values["to"] = min(to, after[0] + timedelta(microseconds=1))
        values |= dict(zip(("at", "lane", "seq", "action", "basis"), after, strict=True))
    if limit is not None:
        # Each request holds one occasion or more; the cursor's own may have none left.
        values |= {"occasions": limit, "requests": limit + (after is not None)}
    statement = _statement(paged=limit is not None, after=after is not None)
    rows = (await session.execute(statement, values)).all()
    return [
        LogRow(
            *row[:-1],
            objects=[
                {"type": kind_name, "id": object_id, "fields": names.decode(kind, mask)}
                for kind_name, object_id, kind, mask in row.objects
            ],
        )
        for row in rows
    ]


_E = AuditEntry.__table__
_LINK = (_E.c.occurred_at, _E.c.lane, _E.c.seq)  # the request an entry belongs to
# The values of a statement, its parameters: one statement per shape, built once (building it
# took ≈ 0.9 ms a page).
_TENANT = bindparam("tenant", type_=_E.c.tenant_id.type)
_SUBJECT = bindparam("subject", type_=_E.c.subject_id.type)
_FROM = bindparam("from_", type_=_E.c.occurred_at.type)
_TO = bindparam("to", type_=_E.c.occurred_at.type)
_LINK_AFTER = (
    bindparam("at", type_=_E.c.occurred_at.type),
    bindparam("lane", type_=_E.c.lane.type),
    bindparam("seq", type_=_E.c.seq.type),
)
_AFTER = (
    *_LINK_AFTER,
    bindparam("action", type_=AuditKind.__table__.c.action.type),
    bindparam("basis", type_=AuditBasis.__table__.c.name.type),
)


@functools.cache
def _statement(*, paged: bool, after: bool) -> Select:
    """The occasions with their request's header, newest first: a page of them (`paged`),
    after a cursor (`after`), or all of them."""
    occasions = _page_occasions(after) if paged else _every_occasion()
    r = AuditRequest.__table__
    # LATERAL with LIMIT (which keeps the planner from turning it into a join): one primary-key
    # lookup per occasion, never a scan of every header in the period (a hash join over them
    # took 50 ms for 50,000 headers).
    header = (
        select(r.c.request_id, r.c.operation, r.c.actor_kind, r.c.actor_id)
        .add_columns(r.c.actor_organisation_id)
        .where(
            # The jobcenter as a parameter, not the page's column: Citus then routes the whole
            # query to one shard; correlated by column it refused it ("cannot push down this
            # subquery", docs/scale-out.md). The page holds only that jobcenter's entries.
            r.c.tenant_id == _TENANT,
            r.c.lane == occasions.c.lane,
            r.c.seq == occasions.c.seq,
            r.c.occurred_at == occasions.c.occurred_at,
            # The period again: a custom plan then leaves out the months outside it.
            r.c.occurred_at >= _FROM,
            r.c.occurred_at < _TO,
        )
        .limit(1)
        .lateral("header")
    )
    o = occasions.c
    key = (o.occurred_at, o.lane, o.seq, o.action, o.basis)
    query = (
        select(
            o.occurred_at,
            o.lane,
            o.seq,
            header.c.request_id,
            o.action,
            o.basis,
            header.c.operation,
            header.c.actor_kind,
            header.c.actor_id,
            header.c.actor_organisation_id,
            o.objects,
        )
        .select_from(occasions.join(header, true()))
        .order_by(*(column.desc() for column in key))
    )
    if after:
        query = query.where(tuple_(*key) < tuple_(*_AFTER))
    if paged:
        query = query.limit(bindparam("occasions", type_=Integer))
    return query


def _of_the_client(entries) -> tuple:
    return (
        entries.c.tenant_id == _TENANT,
        entries.c.subject_id == _SUBJECT,
        entries.c.occurred_at >= _FROM,
        entries.c.occurred_at < _TO,
    )


def _grouped(entries) -> Select:
    """The occasions of `entries`: their link, action and ground, and their objects."""
    k, b = AuditKind.__table__, AuditBasis.__table__
    objects = func.jsonb_agg(
        func.jsonb_build_array(
            k.c.object_type,
            func.coalesce(entries.c.object_id, entries.c.subject_id),
            entries.c.kind,
            entries.c.fields,
        )
    )
    return select(
        entries.c.occurred_at,
        entries.c.lane,
        entries.c.seq,
        k.c.action,
        b.c.name.label("basis"),
        type_coerce(objects, JSONB).label("objects"),
    ).select_from(
        entries.join(k, (k.c.tenant_id == entries.c.tenant_id) & (k.c.code == entries.c.kind)).join(
            b, (b.c.tenant_id == entries.c.tenant_id) & (b.c.code == entries.c.basis)
        )
    )


def _every_occasion() -> Subquery:
    """All of them (the document handed over): every entry of the client in the period, grouped
    in one pass."""
    grouped = _grouped(_E).where(*_of_the_client(_E))
    return grouped.group_by(
        *_LINK, grouped.selected_columns.action, grouped.selected_columns.basis
    ).subquery("occasions")


def _page_occasions(after: bool) -> Subquery:
    """A page's: the newest requests first, from the index in its order until there are
    enough, then each one's occasions from the client's entries in it — LATERAL, so that they
    are looked up by the request's key and never grouped from every entry of the client in
    the period (as a join the planner scanned the client's entries once for each request)."""
    requests = select(*_LINK).where(*_of_the_client(_E)).group_by(*_LINK)
    if after:
        requests = requests.where(tuple_(*_LINK) <= tuple_(*_LINK_AFTER))
    requests = (
        requests.order_by(*(column.desc() for column in _LINK))
        .limit(bindparam("requests", type_=Integer))
        .subquery("requests")
    )
    mine = _E.alias("mine")
    grouped = _grouped(mine)
    occasion = (
        grouped.with_only_columns(*grouped.selected_columns[3:])
        .where(
            *_of_the_client(mine),
            mine.c.lane == requests.c.lane,
            mine.c.seq == requests.c.seq,
            mine.c.occurred_at == requests.c.occurred_at,
        )
        .group_by(grouped.selected_columns.action, grouped.selected_columns.basis)
        .lateral("occasion")
    )
    return (
        select(*requests.c, *occasion.c)
        .select_from(requests.join(occasion, true()))
        .subquery("occasions")
    )
