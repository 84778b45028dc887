"""One request's unit of work, for every endpoint that hands out personal data: verify the
token, bind the actor's scope to one session, load the actor, prepare the field guard; at the
end write the audit records and commit in the same transaction — and if that fails, hand out
nothing (DESIGN.md, invariant 3).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from service.audit.recorder import append, audit_events
from service.audit.writes import GUARD_INFO_KEY
from service.clients.privacy import restricted_subjects
from service.identity.actor import Actor, load_actor, scope_for
from service.policy.guard import RequestGuard
from service.runtime import Runtime
from service.telemetry.logging import current_request_id
from service.web.responses import bearer_token, error_response

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Work:
    session: AsyncSession
    actor: Actor
    guard: RequestGuard
    request_id: str
    now: datetime


@asynccontextmanager
async def unit_of_work(runtime: Runtime, authorization: str | None) -> AsyncIterator[Work]:
    """Raises TokenRejected before any data is touched if the token or user is not accepted."""
    claims = await runtime.verifier.verify(bearer_token(authorization))
    data_scope = await scope_for(claims, runtime.directory)
    async with runtime.database.session(data_scope) as session:
        actor = await load_actor(session, claims, data_scope)
        guard = RequestGuard(
            actor,
            runtime.authorizer.readable_categories,
            await restricted_subjects(session),
            runtime.authorizer.may_write,
        )
        # Every ORM write of the request is checked and recorded through the same guard
        # (audit/writes.py).
        session.info[GUARD_INFO_KEY] = guard
        yield Work(
            session=session,
            actor=actor,
            guard=guard,
            # The id the request's log lines carry (service/telemetry/http.py).
            request_id=current_request_id() or uuid.uuid4().hex,
            now=datetime.now(UTC),
        )


async def record_and_commit(work: Work, *, operation: str) -> Response | None:
    """Write the request's audit records and commit; None if done, else the error response
    to send instead of the data."""
    try:
        events = audit_events(
            work.guard,
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
