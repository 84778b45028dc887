"""Helpers for tests of the audit chains: an event as `audit_append` takes it, open
transactions that hold lanes (migrations/sql/schema/audit.sql) the way requests not yet
committed hold them, and where an append waiting for a lane shows its wait."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from service.audit.event import AuditAction, AuditEvent
from service.audit.recorder import append


def event(tenant_id, request_id, subject, **changes) -> AuditEvent:
    """One object read: a staff member's case list showing a client's name."""
    return AuditEvent(
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
    )._replace(**changes)


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
    case = client._replace(object_type="case", object_id=uuid.uuid4(), fields=("status",))
    return [client, case]


# Where a backend's row-lock wait shows. On one server: its own row of pg_stat_activity. On
# Citus the lanes' rows are locked on the worker holding the jobcenter's shard, by a backend
# there working for the coordinator's, which waits on the worker's answer instead; both carry
# the coordinator backend's global pid, and citus_stat_activity lists every node's backends.
ON_CITUS = bool(os.environ.get("CITUS_TEST_DATABASE_URL"))
_ACTIVITY = (
    "(SELECT global_pid AS backend, * FROM citus_stat_activity)"
    if ON_CITUS
    else "(SELECT pid AS backend, * FROM pg_stat_activity)"
)
_BACKEND = text("SELECT citus_backend_gpid()" if ON_CITUS else "SELECT pg_backend_pid()")
# Citus adds pg_terminate_backend(bigint), by global pid, beside PostgreSQL's (integer).
_TERMINATE = text(
    "SELECT pg_terminate_backend(CAST(:backend AS bigint))"
    if ON_CITUS
    else "SELECT pg_terminate_backend(CAST(:backend AS integer))"
)
_WAITS = text(
    f"SELECT EXISTS (SELECT FROM {_ACTIVITY} a WHERE backend = :backend AND wait_event = :event)"
)
_APPEND_WAITING = text(
    f"""
    WITH a AS MATERIALIZED {_ACTIVITY}
    SELECT call.backend FROM a call
     WHERE call.usename = :role AND call.query LIKE 'SELECT audit_append(%'
       AND EXISTS (SELECT FROM a lock
                    WHERE lock.backend = call.backend AND lock.wait_event = 'transactionid')
     LIMIT 1
    """
)


async def backend_of(conn: AsyncConnection) -> int:
    """The id `waits_on` finds `conn`'s backend by (its pid; on Citus its global pid)."""
    return await conn.scalar(_BACKEND)


async def waits_on(conn: AsyncConnection, backend: int, wait_event: str) -> bool:
    """Whether `backend` (or on Citus a worker's backend working for it) waits on this."""
    return await conn.scalar(_WAITS, {"backend": backend, "event": wait_event})


async def terminate(conn: AsyncConnection, backend: int) -> None:
    """End the backend (on Citus: on whichever node it runs), as a lost connection would."""
    await conn.execute(_TERMINATE, {"backend": backend})


async def appending_and_waiting_for_a_lane(conn: AsyncConnection, role: str) -> int | None:
    """The backend of an `audit_append` call by `role` that waits for a row lock, if any."""
    return await conn.scalar(_APPEND_WAITING, {"role": role})
