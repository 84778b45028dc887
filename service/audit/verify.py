"""Verify the audit chains: recompute every record's hash from its content and its predecessor's
hash, check the numbering has no gaps and that the chain ends where its head says. The first
record that does not fit is named, so a data-protection officer can see where tampering began.

What this proves: the records have not been changed, removed or slipped in by anyone who could
not also recompute the rest of the chain. A database superuser can; anchoring the chain heads
outside the database (exported and timestamped periodically) is what closes that gap.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from service.audit.models import AuditChainHead, AuditEvent

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Executor = AsyncSession | AsyncConnection
BATCH = 5000


@dataclass(frozen=True, slots=True)
class ChainReport:
    tenant_id: uuid.UUID
    records_checked: int
    first_broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def canonical(row: Any) -> bytes:
    """The same text `audit_append` hashes (migrations/versions/0006_audit_log.py)."""
    micros = (row.occurred_at - EPOCH) // timedelta(microseconds=1)
    parts = [
        str(row.tenant_id),
        str(row.seq),
        str(micros),
        str(row.request_id),
        row.operation,
        row.action,
        row.actor_kind,
        str(row.actor_id),
        str(row.actor_organisation_id) if row.actor_organisation_id else "",
        str(row.subject_id),
        row.object_type,
        str(row.object_id),
        ",".join(row.fields),
        row.basis,
        row.prev_hash.hex(),
    ]
    return "|".join(parts).encode()


async def verify_tenant(db: Executor, tenant_id: uuid.UUID) -> ChainReport:
    """Walk one tenant's chain from its first record (as the owner, or as the DPO's session)."""
    expected_seq, expected_prev, checked = 1, b"", 0
    while rows := (await db.execute(_batch(tenant_id, expected_seq))).all():
        for row in rows:
            problem = _problem(row, expected_seq, expected_prev)
            if problem:
                return ChainReport(tenant_id, checked, expected_seq, problem)
            expected_seq, expected_prev, checked = row.seq + 1, row.hash, checked + 1
    head = (
        await db.execute(
            select(AuditChainHead.seq, AuditChainHead.hash).where(
                AuditChainHead.tenant_id == tenant_id
            )
        )
    ).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, expected_prev):
        return ChainReport(
            tenant_id,
            checked,
            expected_seq,
            f"chain ends at record {expected_seq - 1}, but {head.seq} were written",
        )
    return ChainReport(tenant_id, checked)


def _batch(tenant_id: uuid.UUID, from_seq: int) -> Select:
    log = AuditEvent.__table__
    return (
        select(log)
        .where(log.c.tenant_id == tenant_id, log.c.seq >= from_seq)
        .order_by(log.c.seq)
        .limit(BATCH)
    )


def _problem(row: Any, expected_seq: int, expected_prev: bytes) -> str | None:
    if row.seq != expected_seq:
        return f"record {expected_seq} is missing"
    if row.prev_hash != expected_prev:
        return "does not continue the chain"
    if hashlib.sha256(canonical(row)).digest() != row.hash:
        return "content does not match its hash"
    return None


async def tenants_with_records(db: Executor) -> list[uuid.UUID]:
    result = await db.execute(select(AuditChainHead.tenant_id).order_by(AuditChainHead.tenant_id))
    return list(result.scalars())
