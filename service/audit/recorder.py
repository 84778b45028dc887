"""Writes records in one statement (`audit_append`, the only way into the audit log). A write's
records go in the request's own transaction, before anything leaves (DESIGN.md, invariant 3);
reads may go in a group-committed batch of several requests (service/audit/group_commit.py). If
this fails, the endpoint answers with an error and no data."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from service.audit.event import PARAMETERS, AuditEvent, encode
from service.telemetry.decisions import audit_write

# Each argument sent as text and cast in SQL: asyncpg would check every element of an array
# parameter itself (FIELD-NOTES.md, "Throughput": 180 → 53 µs for 700 values).
_APPEND = text(
    "SELECT audit_append("
    + ", ".join(f"CAST(CAST(:{name} AS text) AS {kind})" for name, kind in PARAMETERS)
    + ")"
)


async def append(db: AsyncSession | AsyncConnection, events: Sequence[AuditEvent]) -> int:
    """One request's events; the number of entries written."""
    if not events:
        return 0
    with audit_write(events):
        return await db.scalar(_APPEND, encode([events]))


async def append_batch(db: AsyncConnection, requests: Sequence[Sequence[AuditEvent]]) -> int:
    """Several requests' events in one call: one link per request and jobcenter, as if each had
    been appended alone, one after the other."""
    events = [event for request in requests for event in request]
    if not events:
        return 0
    with audit_write(events):
        return await db.scalar(_APPEND, encode(requests))
