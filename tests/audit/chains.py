"""Helpers for tests of the audit chains: an event as `audit_append` takes it, and open
transactions that hold lanes (migrations/sql/schema/audit.sql) the way requests not yet
committed hold them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from service.audit.event import AuditAction, AuditEvent
from service.audit.recorder import append


def event(tenant_id, request_id, subject, **changes) -> AuditEvent:
    """One object read: a staff member's case list showing a client's name."""
    return replace(
        AuditEvent(
            tenant_id=uuid.UUID(str(tenant_id)),
            occurred_at=datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=UTC),
            request_id=uuid.UUID(str(request_id)),
            operation="CaseList",
            action=AuditAction.READ,
            actor_kind="staff",
            actor_id=uuid.UUID(int=7),
            actor_organisation_id=None,
            subject_id=uuid.UUID(str(subject)),
            object_type="client",
            object_id=uuid.UUID(str(subject)),
            fields=("givenName", "familyName"),
            basis="responsible_case_manager",
        ),
        **changes,
    )


@asynccontextmanager
async def lanes_held(engine: AsyncEngine, tenant_id: uuid.UUID, lanes: list[int]):
    """Another transaction holds these lanes of the jobcenter (whose lanes exist: it has
    appended before) until the block ends."""
    async with engine.connect() as conn:
        await conn.execute(
            text(
                "SELECT 1 FROM audit_chain_heads WHERE tenant_id = :t AND lane = ANY(:l) FOR UPDATE"
            ),
            {"t": tenant_id, "l": lanes},
        )
        yield
        await conn.rollback()


@asynccontextmanager
async def open_append(
    engine: AsyncEngine, events: list[AuditEvent] | None = None
) -> AsyncIterator[AsyncConnection]:
    """A transaction that has appended `events` (if given) and not committed yet; commits when
    the block ends without error."""
    async with engine.connect() as conn:
        if events:
            await append(conn, events)
        yield conn
        await conn.commit()


async def lane_of(conn: AsyncConnection, request_id: str) -> int:
    """The lane the request's link went to (seen from the connection that wrote it)."""
    return await conn.scalar(
        text("SELECT lane FROM audit_requests WHERE request_id = :r"), {"r": request_id}
    )


def request_reads(tenant_id, n: int) -> list[AuditEvent]:
    """One request (its own id) reading a client and the client's case: one link, two entries."""
    request_id = uuid.uuid4()
    subject = uuid.uuid4()
    client = event(tenant_id, request_id, subject, operation=f"Read{n}")
    case = replace(client, object_type="case", object_id=uuid.uuid4(), fields=("status",))
    return [client, case]
