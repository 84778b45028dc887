"""One request's unit of work, for every endpoint that hands out personal data: verify the
token, bind the actor's scope to one session, load the actor, prepare the field guard; at the
end write the audit records — a write's in its own transaction, committed with the change; a
read's in a group-committed batch once its read transaction has ended — and if that fails, hand
out nothing (DESIGN.md, invariant 3).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session
from starlette.responses import Response

from service.audit.group_commit import GroupCommit
from service.audit.recorder import append
from service.audit.request_log import RequestLog
from service.audit.writes import record_writes
from service.identity.actor import Actor
from service.policy.guard import RequestGuard
from service.runtime import Runtime
from service.sign_in.users import SignedIn, scope_for, signed_in
from service.telemetry.logging import current_request_id
from service.tenants.binding import ScopedSession
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
    group_commit: GroupCommit | None = None
    """Where a read's records go (service/runtime.py); None: into the request's transaction."""


@asynccontextmanager
async def unit_of_work(runtime: Runtime, authorization: str | None) -> AsyncIterator[Work]:
    """Raises TokenRejected before any data is touched if the token or user is not accepted."""
    claims = await runtime.verifier.verify(bearer_token(authorization))
    data_scope = await scope_for(claims, runtime.directory)
    async with work_in_scope(
        runtime, data_scope, lambda session: signed_in(session, claims, data_scope)
    ) as work:
        yield work


@asynccontextmanager
async def work_in_scope(
    runtime: Runtime, data_scope: Scope, load: Callable[[AsyncSession], Awaitable[SignedIn]]
) -> AsyncIterator[Work]:
    """The unit of work for an actor `load` finds in the session bound to `data_scope`: a
    token's user, or the issuer of an Auskunft download link (service/web/access_report.py)."""
    async with runtime.database.session(data_scope) as session:
        user = await load(session)
        actor = user.actor
        log = RequestLog()
        guard = RequestGuard(actor, runtime.authorizer, log, user.restricted_subjects)
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
            group_commit=runtime.group_commit,
        )


async def record_and_commit(
    work: Work, *, operation: str, compiled_query: bool = False
) -> Response | None:
    """Write the request's audit records and commit; None if done, else the error response
    to send instead of the data. `compiled_query`: a plan answered (service/compiled/)."""
    try:
        events = work.log.events(
            actor=work.actor,
            request_id=work.request_id,
            operation=operation,
            occurred_at=work.now,
        )
        if work.group_commit is None or await _wrote(work, ask_database=not compiled_query):
            await append(work.session, events)
            await work.session.commit()
        else:
            # The read wrote nothing, so rolling back loses nothing; it gives the connection
            # back before the wait for the batch instead of holding it idle in a transaction
            # (and should a write have slipped past `_wrote`, it is dropped, not left
            # unrecorded).
            await work.session.rollback()
            await work.group_commit.record(events)
    except Exception:
        log.error("audit records could not be written; response withheld", exc_info=True)
        await work.session.rollback()
        return error_response(
            503,
            "AUDIT_UNAVAILABLE",
            "the request could not be recorded, so no data is returned; try again",
        )
    return None


# Whether the transaction holds a change: PostgreSQL assigns a transaction id at the first
# write (a row inserted, updated, deleted or locked), whichever statement made it. Not on
# Citus, where a change routed to a worker assigns the coordinator's transaction none: there a
# team created answered and was rolled back (docs/scale-out.md, fourth try). So what the
# session itself changed is noted too.
_WROTE = text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")
_CHANGED = "casework.changed"


@event.listens_for(ScopedSession, "after_flush")
def _note_flush(session: Session, _flush: object) -> None:
    session.info[_CHANGED] = True


@event.listens_for(ScopedSession, "do_orm_execute")
def _note_change(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_CHANGED] = True


async def _wrote(work: Work, *, ask_database: bool) -> bool:
    """A mutation's records must commit with its change: one that wrote anything — noted by the
    write listener, pending or flushed in the session, or in the database — is not a read.

    A compiled plan is a query operation over list roots that only read
    (service/compiled/compiler.py), so the database is not asked: one round trip of a W1 or W2
    request's eleven. Should a write slip past anyway, the read's rollback drops it: it is
    never committed unrecorded."""
    session = work.session
    if work.log.wrote or session.new or session.dirty or session.deleted:
        return True
    if session.sync_session.info.get(_CHANGED):
        return True
    if not ask_database:
        return False
    return session.in_transaction() and bool(await session.scalar(_WROTE))
