"""`service import clients FILE --jobcenter SLUG`: the bulk import from the command line, as the
database owner — for a migration from the old system before any administrator has an account.
The same checks and the same all-or-nothing as the API (service/admin/imports.py), and the same
record: the writes go through the flush listener (service/audit/writes.py) under a fixed
command-line actor, so the clients' Auskunft shows that they were brought in, and when.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from service.admin.imports import ImportFormat, ImportReport, import_clients
from service.audit.recorder import append
from service.audit.request_log import RequestLog
from service.audit.writes import record_writes
from service.caller import Caller
from service.identity.actor import Actor
from service.identity.roles import ActorKind, Role
from service.policy.authorizer import Authorizer
from service.policy.guard import RequestGuard
from service.tenants.binding import SCOPE_INFO_KEY, ScopedSession
from service.tenants.models import Tenant
from service.tenants.scope import Scope

COMMAND_LINE_ACTOR = uuid.UUID("3a6f0d5e-8c1b-5b7e-9f4a-0d2c6e1b7a90")
"""The actor id the audit gives the command line: no person, the operator's import."""
COMMAND_MAX_ROWS = 200_000  # no request-body limit here; a whole jobcenter's clients in one file


class UnknownJobcenter(Exception):
    pass


async def import_at_console(
    owner_url: URL, *, content: bytes, jobcenter_slug: str, file_format: ImportFormat
) -> ImportReport:
    engine = create_async_engine(owner_url, poolclass=NullPool)
    try:
        tenant_id = await _tenant_id(engine, jobcenter_slug)
        actor = Actor(
            kind=ActorKind.STAFF,
            user_id=COMMAND_LINE_ACTOR,
            subject="service import clients",
            display_name="Import (Kommandozeile)",
            roles=frozenset({Role.JOBCENTER_ADMIN}),
            tenant_id=tenant_id,
        )
        log = RequestLog()
        # The import reads nothing back; its guard only checks the rows it writes.
        guard = RequestGuard(actor, Authorizer(), log)
        now = datetime.now(UTC)
        async with AsyncSession(engine, sync_session_class=ScopedSession) as session:
            session.sync_session.info[SCOPE_INFO_KEY] = Scope.tenant(tenant_id)
            record_writes(session.sync_session, guard=guard, log=log)
            async with session.begin():
                # The owner needs no policy's leave (holding the owner URL is the authority);
                # the import asks the authorizer nothing.
                caller = Caller(session=session, actor=actor, authorizer=Authorizer(), now=now)
                report = await import_clients(
                    caller, content=content, file_format=file_format, max_rows=COMMAND_MAX_ROWS
                )
                events = log.events(
                    actor=actor,
                    request_id=uuid.uuid4().hex,
                    operation="ImportClientsCommand",
                    occurred_at=now,
                )
                await append(session, events)
        return report
    finally:
        await engine.dispose()


async def _tenant_id(engine, slug: str) -> uuid.UUID:
    async with AsyncSession(engine) as session:
        tenant_id = await session.scalar(select(Tenant.id).where(Tenant.slug == slug))
    if tenant_id is None:
        raise UnknownJobcenter(slug)
    return tenant_id
