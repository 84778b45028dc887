"""The audit records of one client, grouped into occasions (one actor's request, on one ground),
for the Auskunft: the client's entries (index on subject_id) grouped and paged first, then the
request header of each occasion on the page looked up by its key, and the field masks decoded
here with the jobcenter's field dictionary, loaded once.

Paging before the header lookup keeps a page of 20 occasions at 20 lookups for a client with
10,000 records; the cursor therefore orders by the link's lane and seq (not the request id)
within one instant (links are keyed by (tenant, lane, seq): migrations/sql/schema/audit.sql)."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, true, tuple_, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from service.audit.codes import FieldNames
from service.audit.models import AuditBasis, AuditEntry, AuditKind, AuditRequest
from service.clients.models import Client
from service.errors import ValidationFailed
from service.moments import parse_datetime


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
    four, …): the subject index has no time in it (it stays ≈ 10 bytes an entry so), so a
    window costs the client's entries in it. Over the whole period a page of 20 read all 10,000
    entries of the benchmark's client, 19,464 buffers and 76–142 ms; its newest month 8 ms
    (bench/RESULTS.md, seventh run)."""
    if first is None:
        return await _occasions(session, client, from_, to, None, after)
    end = to if after is None else min(to, after[0] + timedelta(microseconds=1))
    rows: list[LogRow] = []
    months = 1
    while len(rows) <= first and end > from_:
        start = max(from_, _months_before(end, months))
        rows += await _occasions(session, client, start, end, first + 1 - len(rows), after)
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
    client: Client,
    from_: datetime,
    to: datetime,
    limit: int | None,
    after: tuple | None,
) -> list[LogRow]:
    e, r = AuditEntry.__table__, AuditRequest.__table__
    k, b = AuditKind.__table__, AuditBasis.__table__
    key = (e.c.occurred_at, e.c.lane, e.c.seq, k.c.action, b.c.name)
    objects = func.jsonb_agg(
        func.jsonb_build_array(
            k.c.object_type, func.coalesce(e.c.object_id, e.c.subject_id), e.c.kind, e.c.fields
        )
    )
    page = (
        select(e.c.tenant_id, *key, type_coerce(objects, JSONB).label("objects"))
        .select_from(
            e.join(k, (k.c.tenant_id == e.c.tenant_id) & (k.c.code == e.c.kind)).join(
                b, (b.c.tenant_id == e.c.tenant_id) & (b.c.code == e.c.basis)
            )
        )
        .where(
            e.c.tenant_id == client.tenant_id,
            e.c.subject_id == client.id,
            e.c.occurred_at >= from_,
            e.c.occurred_at < to,
        )
        .group_by(e.c.tenant_id, *key)
        .order_by(*(column.desc() for column in key))
    )
    if after is not None:
        page = page.where(tuple_(*key) < tuple_(*after))
    if limit is not None:
        page = page.limit(limit)
    page = page.subquery("page")
    # LATERAL with LIMIT (which keeps the planner from turning it into a join): one primary-key
    # lookup per occasion, its month found at run time, never a scan of every header in the
    # period (a hash join over them took 50 ms for 50,000 headers).
    header = (
        select(r.c.request_id, r.c.operation, r.c.actor_kind, r.c.actor_id)
        .add_columns(r.c.actor_organisation_id)
        .where(
            # The jobcenter as a constant, not the page's column: Citus then routes the whole
            # query to one shard; correlated by column it refused it ("cannot push down this
            # subquery", docs/scale-out.md). The page holds only that jobcenter's entries.
            r.c.tenant_id == client.tenant_id,
            r.c.lane == page.c.lane,
            r.c.seq == page.c.seq,
            r.c.occurred_at == page.c.occurred_at,
        )
        .limit(1)
        .lateral("header")
    )
    query = (
        select(
            page.c.occurred_at,
            page.c.lane,
            page.c.seq,
            header.c.request_id,
            page.c.action,
            page.c.name,
            header.c.operation,
            header.c.actor_kind,
            header.c.actor_id,
            header.c.actor_organisation_id,
            page.c.objects,
        )
        .select_from(page.join(header, true()))
        .order_by(*(page.c[column.name].desc() for column in key))
    )
    rows = (await session.execute(query)).all()
    names = await FieldNames.load(session, client.tenant_id)
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
