"""One request's unit of work, for every endpoint that hands out personal data: verify the
token, bind the actor's scope to one session, load the actor, prepare the field guard; at the
end write the audit records and commit in the same transaction — and if that fails, hand out
nothing (DESIGN.md, invariant 3).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from service.audit.recorder import append
from service.audit.request_log import RequestLog
from service.audit.writes import record_writes
from service.clients.privacy import restricted_subjects
from service.identity.actor import Actor
from service.policy.guard import RequestGuard
from service.runtime import Runtime
from service.sign_in.users import load_actor, scope_for
from service.telemetry.logging import current_request_id
from service.tenants.scope import Scope
from service.web.responses import bearer_token, error_response

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Work:
    session: AsyncSession
    actor: Actor
    guard: RequestGuard
    log: RequestLog
    request_id: str
    now: datetime


@asynccontextmanager
async def unit_of_work(runtime: Runtime, authorization: str | None) -> AsyncIterator[Work]:
    """Raises TokenRejected before any data is touched if the token or user is not accepted."""
    claims = await runtime.verifier.verify(bearer_token(authorization))
    data_scope = await scope_for(claims, runtime.directory)
    async with work_in_scope(
        runtime, data_scope, lambda session: load_actor(session, claims, data_scope)
    ) as work:
        yield work


@asynccontextmanager
async def work_in_scope(
    runtime: Runtime, data_scope: Scope, load: Callable[[AsyncSession], Awaitable[Actor]]
) -> AsyncIterator[Work]:
    """The unit of work for an actor `load` finds in the session bound to `data_scope`: a
    token's user, or the issuer of an Auskunft download link (service/web/access_report.py)."""
    async with runtime.database.session(data_scope) as session:
        actor = await load(session)
        log = RequestLog()
        guard = RequestGuard(actor, runtime.authorizer, log, await restricted_subjects(session))
        # Every ORM write of the request is checked by the same guard and noted in the same log
        # (audit/writes.py).
        record_writes(session.sync_session, guard=guard, log=log)
        yield Work(
            session=session,
            actor=actor,
            guard=guard,
            log=log,
            # The id the request's log lines carry (service/telemetry/http.py).
            request_id=current_request_id() or uuid.uuid4().hex,
            now=datetime.now(UTC),
        )


async def record_and_commit(work: Work, *, operation: str) -> Response | None:
    """Write the request's audit records and commit; None if done, else the error response
    to send instead of the data."""
    try:
        events = work.log.events(
            actor=work.actor,
            request_id=work.request_id,
            operation=operation,
            occurred_at=work.now,
        )
        await append(work.session, events)
        await work.session.commit()
    except Exception:
        log.error("audit records could not be written; response withheld", exc_info=True)
        await work.session.rollback()
        return error_response(
            503,
            "AUDIT_UNAVAILABLE",
            "the request could not be recorded, so no data is returned; try again",
        )
    return None
