"""Writes a request's records in one statement, in the request's transaction, before anything
leaves (DESIGN.md, invariant 3). If this fails, the endpoint answers with an error and no data."""

from __future__ import annotations

import uuid
from datetime import datetime

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.identity.actor import Actor
from service.policy.guard import RequestGuard
from service.telemetry.decisions import audit_write

_APPEND = text("SELECT audit_append(CAST(:events AS jsonb))")


def audit_events(
    guard: RequestGuard,
    *,
    actor: Actor,
    request_id: str,
    operation: str,
    occurred_at: datetime,
) -> list[dict[str, object]]:
    """One event per object and basis: a list of 50 cases is 50 objects' worth of fields."""
    return [
        {
            "tenant_id": str(guard.tenants[key]),
            "occurred_at": occurred_at.isoformat(),
            "request_id": str(uuid.UUID(request_id)),
            "operation": operation[:100],
            "action": key.action,
            "actor_kind": str(actor.kind),
            "actor_id": str(actor.user_id),
            "actor_organisation_id": str(actor.organisation_id) if actor.organisation_id else None,
            "subject_id": str(key.subject_id),
            "object_type": key.object_type,
            "object_id": str(key.object_id),
            "fields": sorted(fields),
            "basis": key.basis[:100],
        }
        for key, fields in guard.reads.items()
    ]


async def append(session: AsyncSession, events: list[dict[str, object]]) -> int:
    if not events:
        return 0
    with audit_write(events):
        return await session.scalar(_APPEND, {"events": orjson.dumps(events).decode()})
