"""The chain as a file, for verification without the database (`service audit verify-export`).

JSON Lines, one object a line, in the order offline.py walks them: a header; per jobcenter its
dictionaries and heads; per lane where the export starts (the seq, and the hash of the link
before it) and then its links, each with its entries. Everything the hash covers and nothing
more: ids, codes and the dictionaries' names (field names, operations, grounds) — never a
value of any field. The export is written from the database, so it shows the database as it is,
tampering included; what makes it evidence is that it must reach the anchors, which it cannot
be made to without the anchoring key.

With `from_time`, each lane starts at its first link at or after that time; earlier anchors are
then outside the export (reported as such), later ones must be reached. The export always runs
to the lanes' current ends: "nothing after an anchor was dropped" needs the end.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from service.audit.models import (
    LANES,
    AuditBasis,
    AuditChainHead,
    AuditEntry,
    AuditField,
    AuditKind,
    AuditRequest,
)
from service.audit.verify import EPOCH, lanes_beyond, links_from

FORMAT = "casework-audit-export/1"


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


async def write_export(
    db: AsyncConnection,
    out: IO[str],
    tenants: Sequence[uuid.UUID],
    *,
    everyone: bool,
    from_time: datetime | None = None,
) -> int:
    """Write the chains of `tenants` (`everyone`: all that have records, so an anchored
    jobcenter missing from the export is a finding); the number of links written."""
    header = {
        "type": "header",
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "from": from_time.isoformat() if from_time else None,
        "scope": "all" if everyone else [str(t) for t in tenants],
    }
    _line(out, header)
    written = 0
    for tenant_id in tenants:
        _line(out, await _jobcenter(db, tenant_id))
        lanes = set(range(LANES)) | await _head_lanes(db, tenant_id)
        for lane in sorted(lanes | await lanes_beyond(db, tenant_id)):
            from_seq = await _from_seq(db, tenant_id, lane, from_time)
            previous = await _hash_of(db, tenant_id, lane, from_seq - 1) if from_seq > 1 else b""
            _line(
                out,
                {
                    "type": "lane",
                    "lane": lane,
                    "from_seq": from_seq,
                    "previous": None if previous is None else previous.hex(),
                },
            )
            async for link in _lane_links(db, tenant_id, lane, from_seq):
                _line(out, link)
                written += 1
    return written


async def _jobcenter(db: AsyncConnection, tenant_id: uuid.UUID) -> dict:
    async def rows(*columns: Any) -> list[list]:
        query = select(*columns).where(columns[0].table.c.tenant_id == tenant_id)
        return [list(row) for row in (await db.execute(query)).all()]

    heads = await rows(AuditChainHead.lane, AuditChainHead.seq, AuditChainHead.hash)
    return {
        "type": "jobcenter",
        "id": str(tenant_id),
        "kinds": await rows(AuditKind.code, AuditKind.action, AuditKind.object_type),
        "fields": await rows(AuditField.kind, AuditField.bit, AuditField.name),
        "bases": await rows(AuditBasis.code, AuditBasis.name),
        "heads": [[lane, seq, bytes(hash_).hex()] for lane, seq, hash_ in heads],
    }


async def _head_lanes(db: AsyncConnection, tenant_id: uuid.UUID) -> set[int]:
    query = select(AuditChainHead.lane).where(AuditChainHead.tenant_id == tenant_id)
    return set(await db.scalars(query))


async def _from_seq(
    db: AsyncConnection, tenant_id: uuid.UUID, lane: int, from_time: datetime | None
) -> int:
    if from_time is None:
        return 1
    r = AuditRequest
    in_lane = (r.tenant_id == tenant_id) & (r.lane == lane)
    first = await db.scalar(select(func.min(r.seq)).where(in_lane, r.occurred_at >= from_time))
    if first is not None:
        return first
    # Nothing since: the export starts after the lane's last link (and must still reach it).
    return (await db.scalar(select(func.max(r.seq)).where(in_lane)) or 0) + 1


async def _hash_of(db: AsyncConnection, tenant_id: uuid.UUID, lane: int, seq: int) -> bytes | None:
    r = AuditRequest
    found = await db.scalar(
        select(r.hash).where(r.tenant_id == tenant_id, r.lane == lane, r.seq == seq)
    )
    return None if found is None else bytes(found)


async def _lane_links(
    db: AsyncConnection, tenant_id: uuid.UUID, lane: int, from_seq: int
) -> AsyncIterator[dict]:
    e = AuditEntry.__table__
    while links := (await db.execute(links_from(tenant_id, lane, from_seq))).all():
        query = (
            select(e.c.seq, e.c.entry, e.c.occurred_at, e.c.kind, e.c.fields, e.c.subject_id)
            .add_columns(e.c.object_id, e.c.basis)
            .where(e.c.tenant_id == tenant_id, e.c.lane == lane)
            .where(e.c.seq.between(links[0].seq, links[-1].seq))
            .order_by(e.c.seq, e.c.entry, e.c.occurred_at)
        )
        entries: dict[int, list[list]] = {}
        for row in (await db.execute(query)).all():
            entries.setdefault(row.seq, []).append(_entry(row))
        for link in links:
            yield {
                "type": "link",
                "seq": link.seq,
                "at": micros(link.occurred_at),
                "request": str(link.request_id),
                "operation": link.operation,
                "actor_kind": link.actor_kind,
                "actor": str(link.actor_id),
                "organisation": str(link.actor_organisation_id)
                if link.actor_organisation_id
                else None,
                "hash": bytes(link.hash).hex(),
                "entries": entries.get(link.seq, []),
            }
        from_seq = links[-1].seq + 1


def _entry(row: Any) -> list:
    object_id = str(row.object_id) if row.object_id else None
    at = micros(row.occurred_at)
    return [row.entry, at, row.kind, row.fields, str(row.subject_id), object_id, row.basis]


def _line(out: IO[str], value: dict) -> None:
    out.write(json.dumps(value, separators=(",", ":")) + "\n")
