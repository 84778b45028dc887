"""Writes a request's records in one statement, in the request's transaction, before anything
leaves (DESIGN.md, invariant 3). If this fails, the endpoint answers with an error and no data."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.audit.event import AuditEvent, encode
from service.telemetry.decisions import audit_write

_APPEND = text("SELECT audit_append(CAST(:events AS jsonb))")


async def append(session: AsyncSession, events: Sequence[AuditEvent]) -> int:
    if not events:
        return 0
    with audit_write(events):
        return await session.scalar(_APPEND, {"events": encode(events)})
