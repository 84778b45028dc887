"""Verify the audit chains: walk each lane of each jobcenter's chain (LANES parallel chains,
migrations/sql/functions/audit_append.sql) in seq order, recompute every link's hash from its
header, its entries (decoded to names) and its predecessor's hash, check the numbering of links
and of entries has no gaps and that each lane ends where its head says. The first link that
does not fit is named by lane and seq (and the entry, where the numbering tells it), so a
data-protection officer can see where tampering began. A link moved to another lane breaks
both: the lane is hashed and the seq numbering of each lane has a gap.

What this proves: the records have not been changed, removed or slipped in by anyone who could
not also recompute the rest of the chain. A database superuser can; given the anchors
(anchors.py: the heads, signed outside the database), verification also names every anchored
head the chain no longer reaches or no longer matches, which a recomputed chain cannot avoid.
The same walk runs over an export without the database (offline.py).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from service.audit.codes import FieldNames, UnknownFieldCode
from service.audit.models import (
    LANES,
    AuditBasis,
    AuditChainHead,
    AuditEntry,
    AuditKind,
    AuditRequest,
)
from service.tenants.models import Tenant

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Executor = AsyncSession | AsyncConnection
BATCH = 2000  # links a query; their entries come with one more


@dataclass(frozen=True, slots=True)
class ChainReport:
    tenant_id: uuid.UUID
    records_checked: int  # request links
    first_broken_seq: int | None = None  # within its lane
    problem: str | None = None  # names the lane
    first_broken_lane: int | None = None
    misses_anchor: bool = False
    """The break is an anchored head the chain no longer reaches or matches."""

    @property
    def intact(self) -> bool:
        return self.problem is None


def canonical(link: Any, entries: Sequence[Any], names: FieldNames, prev_hash: bytes) -> bytes:
    """The text `audit_append` hashes (migrations/sql/functions/audit_append.sql): the header
    with its lane, each entry by name in entry order, the previous link's hash."""
    micros = (link.occurred_at - EPOCH) // timedelta(microseconds=1)
    header = [
        str(link.tenant_id),
        str(link.lane),
        str(link.seq),
        str(micros),
        str(link.request_id),
        link.operation,
        link.actor_kind,
        str(link.actor_id),
        str(link.actor_organisation_id) if link.actor_organisation_id else "",
    ]
    lines = ["|".join(header)]
    for entry in entries:
        lines.append(
            "|".join(
                [
                    str(entry.entry),
                    entry.action,
                    str(entry.subject_id),
                    entry.object_type,
                    str(entry.object_id or entry.subject_id),
                    ",".join(names.decode(entry.kind, entry.fields)),
                    entry.basis,
                ]
            )
        )
    lines.append(prev_hash.hex())
    return "\n".join(lines).encode()


@dataclass(frozen=True, slots=True)
class AnchoredHead:
    """What an anchor says a lane had reached: its head's seq and hash, and which anchor."""

    seq: int
    hash: bytes
    anchor: int
    anchored_at: datetime

    def named(self) -> str:
        at = self.anchored_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return f"anchored record {self.seq} (anchor {self.anchor}, {at} UTC)"


# By lane: every head the anchors gave that lane.
Anchored = Mapping[int, Sequence[AnchoredHead]]


def anchored_heads(anchors: Sequence[Any]) -> dict[uuid.UUID, dict[int, list[AnchoredHead]]]:
    """The anchors' heads by jobcenter and lane, oldest anchor first; a head repeated by later
    anchors (an idle lane) is kept once, under the first anchor that saw it."""
    by_tenant: dict[uuid.UUID, dict[int, list[AnchoredHead]]] = {}
    seen: set[tuple[uuid.UUID, int, int, bytes]] = set()
    for anchor in anchors:
        for head in anchor.heads:
            key = (head.tenant_id, head.lane, head.seq, head.hash)
            if key in seen:
                continue
            seen.add(key)
            lanes = by_tenant.setdefault(head.tenant_id, {})
            lanes.setdefault(head.lane, []).append(
                AnchoredHead(head.seq, head.hash, anchor.number, anchor.made_at)
            )
    return by_tenant


class LaneWalk:
    """One lane's links fed in seq order (from the database or from an export): each must fit
    its predecessor and its hash, and match every anchor naming its seq; at the end, the lane
    must reach every anchored head and end where its head row says."""

    def __init__(
        self,
        lane: int,
        names: FieldNames,
        anchored: Sequence[AnchoredHead] = (),
        from_seq: int = 1,
        previous: bytes = b"",
    ) -> None:
        self.lane, self.names = lane, names
        self.missed_anchor = False
        self.expected_seq, self.expected_prev, self.checked = from_seq, previous, 0
        # Seq 0: the lane had written nothing when anchored, so there is nothing to reach.
        self.anchored: dict[int, list[AnchoredHead]] = {}
        for head in anchored:
            if head.seq >= from_seq - 1 and head.seq > 0:
                self.anchored.setdefault(head.seq, []).append(head)

    def start(self) -> tuple[int, str] | None:
        """An anchor on the link just before an export's period meets the hash it starts from."""
        if not 0 <= self.lane < LANES:
            return 1, f"not one of the {LANES} lanes"
        return self._against_anchors(self.expected_seq - 1, self.expected_prev)

    def feed(self, link: Any, entries: list[Any]) -> tuple[int, str] | None:
        problem = _problem(link, entries, self.names, self.expected_seq, self.expected_prev)
        if problem:
            return self.expected_seq, problem
        problem = self._against_anchors(link.seq, link.hash)
        if problem:
            return problem
        self.expected_seq, self.expected_prev = link.seq + 1, link.hash
        self.checked += 1
        return None

    def finish(self, head: Any) -> tuple[int, str] | None:
        end = self.expected_seq - 1
        beyond = [h for seq, heads in self.anchored.items() if seq > end for h in heads]
        if beyond:
            last = max(beyond, key=_position)
            self.missed_anchor = True
            return last.seq, f"{last.named()} is no longer reached: the chain ends at record {end}"
        if head is None and self.anchored:
            last = max((h for heads in self.anchored.values() for h in heads), key=_position)
            self.missed_anchor = True
            return last.seq, f"{last.named()} is no longer reached: the lane has no chain head"
        # A lane without a head row has written nothing: its links, if any, were slipped in.
        if head is None and self.checked:
            return self.expected_seq, f"records up to {end}, but the lane has no chain head"
        written = (head.seq, head.hash) if head is not None else (0, b"")
        if written != (end, self.expected_prev):
            return self.expected_seq, f"chain ends at record {end}, but {written[0]} were written"
        return None

    def _against_anchors(self, seq: int, hash_: bytes) -> tuple[int, str] | None:
        for head in self.anchored.get(seq, ()):
            if head.hash != hash_:
                self.missed_anchor = True
                return seq, f"record {seq} is not the {head.named()}: its hash differs"
        return None


def _position(head: AnchoredHead) -> tuple[int, int]:
    return head.seq, head.anchor


async def verify_tenant(
    db: Executor, tenant_id: uuid.UUID, anchored: Anchored | None = None
) -> ChainReport:
    """Walk each lane of one tenant's chain from its first link (as the owner, or as the DPO's
    session), against the anchored heads if given; report the first broken link, lanes in
    order."""
    anchored = anchored or {}
    names = await FieldNames.load(db, tenant_id)
    heads = {
        row.lane: row
        for row in await db.execute(
            select(AuditChainHead.lane, AuditChainHead.seq, AuditChainHead.hash).where(
                AuditChainHead.tenant_id == tenant_id
            )
        )
    }
    checked = 0
    lanes = set(range(LANES)) | set(heads) | set(anchored) | await lanes_beyond(db, tenant_id)
    for lane in sorted(lanes):
        walk = LaneWalk(lane, names, anchored.get(lane, ()))
        broken = await _walk_lane(db, tenant_id, walk, heads.get(lane))
        checked += walk.checked
        if broken is not None:
            seq, problem = broken
            return ChainReport(
                tenant_id, checked, seq, f"lane {lane}: {problem}", lane, walk.missed_anchor
            )
    return ChainReport(tenant_id, checked)


async def _walk_lane(
    db: Executor, tenant_id: uuid.UUID, walk: LaneWalk, head: Any
) -> tuple[int, str] | None:
    """Where and why the lane breaks (None: intact)."""
    if broken := walk.start():
        return broken
    lane = walk.lane
    while links := (await db.execute(links_from(tenant_id, lane, walk.expected_seq))).all():
        entries = await _entries(db, tenant_id, lane, links[0].seq, links[-1].seq)
        for link in links:
            if broken := walk.feed(link, entries.get(link.seq, [])):
                return broken
    if broken := walk.finish(head):
        return broken
    stray = await db.scalar(
        select(func.min(AuditEntry.seq)).where(
            AuditEntry.tenant_id == tenant_id,
            AuditEntry.lane == lane,
            AuditEntry.seq >= walk.expected_seq,
        )
    )
    if stray is not None:
        return stray, f"entries of record {stray}, which is missing"
    return None


async def lanes_beyond(db: Executor, tenant_id: uuid.UUID) -> set[int]:
    """Lanes outside 0..LANES-1 that links or entries name (only forgery puts them there)."""
    found: set[int] = set()
    for table in (AuditRequest.__table__, AuditEntry.__table__):
        beyond = (table.c.lane < 0) | (table.c.lane >= LANES)
        query = select(table.c.lane).where(table.c.tenant_id == tenant_id, beyond).distinct()
        found |= set(await db.scalars(query))
    return found


def links_from(tenant_id: uuid.UUID, lane: int, from_seq: int):
    return (
        select(AuditRequest.__table__)
        .where(
            AuditRequest.tenant_id == tenant_id,
            AuditRequest.lane == lane,
            AuditRequest.seq >= from_seq,
        )
        .order_by(AuditRequest.seq)
        .limit(BATCH)
    )


async def _entries(
    db: Executor, tenant_id: uuid.UUID, lane: int, first: int, last: int
) -> dict[int, list[Any]]:
    """The entries of links first..last of a lane with their kind and basis by name (NULL: code
    unknown)."""
    e = AuditEntry.__table__
    query = (
        select(
            *(e.c[name] for name in ("seq", "entry", "occurred_at", "subject_id", "object_id")),
            e.c.kind,
            e.c.fields,
            AuditKind.action,
            AuditKind.object_type,
            AuditBasis.name.label("basis"),
        )
        .outerjoin(AuditKind, (AuditKind.tenant_id == e.c.tenant_id) & (AuditKind.code == e.c.kind))
        .outerjoin(
            AuditBasis, (AuditBasis.tenant_id == e.c.tenant_id) & (AuditBasis.code == e.c.basis)
        )
        .where(e.c.tenant_id == tenant_id, e.c.lane == lane, e.c.seq.between(first, last))
        .order_by(e.c.seq, e.c.entry, e.c.occurred_at)
    )
    by_link: dict[int, list[Any]] = {}
    for row in (await db.execute(query)).all():
        by_link.setdefault(row.seq, []).append(row)
    return by_link


def _problem(
    link: Any, entries: list[Any], names: FieldNames, expected_seq: int, expected_prev: bytes
) -> str | None:
    if link.seq != expected_seq:
        return f"record {expected_seq} is missing"
    for number, entry in enumerate(entries, start=1):
        if entry.occurred_at != link.occurred_at or entry.entry < number:
            return f"entry {entry.entry} does not belong to the record"
        if entry.entry > number:
            return f"entry {number} is missing"
        if entry.action is None or entry.basis is None:
            return f"entry {number} names an unknown code"
    try:
        text = canonical(link, entries, names, expected_prev)
    except UnknownFieldCode:
        return "an entry names an unknown field code"
    if hashlib.sha256(text).digest() != link.hash:
        return "content does not match its hash"
    return None


async def tenants_with_records(db: Executor) -> list[uuid.UUID]:
    """Every jobcenter with a chain head, a link or an entry: one whose head rows were deleted
    must not drop out of verification unseen. Probed per jobcenter (the tenants table is small,
    each probe one index lookup per partition) rather than a scan of the log — one statement a
    jobcenter, since Citus refuses correlated subqueries under the reference table `tenants`
    and routes a probe naming one jobcenter to its shard (docs/scale-out.md)."""
    tables = (AuditChainHead.__table__, AuditRequest.__table__, AuditEntry.__table__)
    found = []
    for tenant_id in list(await db.scalars(select(Tenant.id).order_by(Tenant.id))):
        probes = (exists().where(table.c.tenant_id == tenant_id) for table in tables)
        if await db.scalar(select(or_(*probes))):
            found.append(tenant_id)
    return found


async def verify_all(
    db: Executor, anchored: Mapping[uuid.UUID, Anchored] | None = None
) -> list[ChainReport]:
    """Every jobcenter with records, and every one the anchors name: one whose records and
    heads are all gone is named by its anchors, not skipped."""
    anchored = anchored or {}
    tenants = sorted(set(await tenants_with_records(db)) | set(anchored), key=str)
    return [await verify_tenant(db, t, anchored.get(t)) for t in tenants]
