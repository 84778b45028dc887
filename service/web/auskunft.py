"""GET /auskunft/{client_id}?from=YYYY-MM-DD&to=YYYY-MM-DD: the Auskunft as a printable German
document, for the data-protection officer or the client.

Same authentication and unit of work as /graphql: the bearer token, the session bound to the
actor's scope, the policy's decision, the guard admitting and recording the read, the record
written in the request's transaction — and no document leaves unless that commit succeeded
(invariant 3).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from service.audit.auskunft import access_report, report_access, report_tag
from service.audit.auskunft_document import parse_day, period_of_days, render_html
from service.audit.recorder import append, audit_events
from service.clients.privacy import restricted_subjects
from service.errors import ServiceError
from service.identity.actor import load_actor, scope_for
from service.identity.tokens import TokenRejected
from service.policy.categories import DataCategory
from service.policy.guard import RequestGuard
from service.runtime import Runtime
from service.schema.ids import parse_id
from service.web.graphql_endpoint import UNAVAILABLE_ERRORS
from service.web.responses import bearer_token, error_response, unauthenticated

log = logging.getLogger(__name__)

OPERATION = "AuskunftDocument"  # the occasion, as the audit log names it
STATUS_BY_CODE = {"FORBIDDEN": 403, "RESTRICTED": 403, "NOT_FOUND": 404}


async def auskunft_document(request: Request) -> Response:
    try:
        return await _produce(request, request.app.state.runtime)
    except TokenRejected as rejection:
        return unauthenticated(rejection)
    except ServiceError as error:
        return error_response(
            STATUS_BY_CODE.get(error.code, 400),
            error.code,
            error.message,
            messageDe=error.message_de,
        )
    except UNAVAILABLE_ERRORS:
        log.warning("database unavailable", exc_info=True)
        return error_response(
            503, "DATABASE_UNAVAILABLE", "the database is unavailable; try again shortly"
        )


async def _produce(request: Request, runtime: Runtime) -> Response:
    claims = await runtime.verifier.verify(bearer_token(request.headers.get("authorization")))
    client_id = parse_id(request.path_params["client_id"], "client")
    now = datetime.now(UTC)
    from_, to = period_of_days(
        parse_day(request.query_params.get("from"), "from"),
        parse_day(request.query_params.get("to"), "to"),
        now=now,
    )
    data_scope = await scope_for(claims, runtime.directory)
    async with runtime.database.session(data_scope) as session:
        actor = await load_actor(session, claims, data_scope)
        guard = RequestGuard(
            actor, runtime.authorizer.readable_categories, await restricted_subjects(session)
        )
        report = await access_report(
            session,
            actor=actor,
            authorizer=runtime.authorizer,
            client_id=client_id,
            from_=from_,
            to=to,
            first=None,  # a document handed over is complete, not a page
            after=None,
            now=now,
        )
        tag = report_tag(report, report_access(actor, client_id))
        guard.admit(tag, DataCategory.ACCESS_REPORT)
        html = render_html(report)
        guard.record(tag, DataCategory.ACCESS_REPORT, "document")
        try:
            events = audit_events(
                guard,
                actor=actor,
                request_id=uuid.uuid4().hex,
                operation=OPERATION,
                occurred_at=now,
            )
            await append(session, events)
            await session.commit()
        except Exception:
            log.error("audit records could not be written; document withheld", exc_info=True)
            await session.rollback()
            return error_response(
                503,
                "AUDIT_UNAVAILABLE",
                "the request could not be recorded, so no data is returned; try again",
            )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
