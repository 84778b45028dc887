"""GET /auskunft/{client_id}?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=pdf]: the Auskunft as a
printable German document (HTML, or PDF on A4), with the copy of the data, for the
data-protection officer or the client; with `token=` (a download link, issueAuskunftLink)
instead of the bearer header. GET /auskunft/{client_id}/copy: the copy alone, as JSON.

Same authentication and unit of work as /graphql: the bearer token, the session bound to the
actor's scope, the policy's decision, the guard admitting and recording the read, the record
written in the request's transaction — and no document leaves unless that commit succeeded
(invariant 3).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from service.access_report.copy import copy_tag, data_copy
from service.access_report.document import parse_day, period_of_days, render_html, render_pdf
from service.access_report.link import LinkGrant, LinkRejected, issuer_of, link_key, verify
from service.access_report.report import access_report
from service.access_report.texts import LANGUAGES, language_of
from service.caller import Caller
from service.clients.privacy import restricted_subjects
from service.errors import ServiceError, ValidationFailed
from service.identity.tokens import TokenRejected
from service.ids import parse_id
from service.policy.categories import DataCategory
from service.runtime import Runtime
from service.sign_in.users import SignedIn
from service.tenants.scope import Scope
from service.web.graphql_endpoint import UNAVAILABLE_ERRORS
from service.web.responses import error_response, unauthenticated
from service.web.trusted_documents import occasion_labels
from service.web.unit_of_work import record_and_commit, unit_of_work, work_in_scope

log = logging.getLogger(__name__)

# The occasion, as the audit log names it: with a colon, which no GraphQL operation name can
# have, so no caller can pass a query of theirs off as the Auskunft.
OPERATION = "auskunft:document"
COPY_OPERATION = "auskunft:copy"
LINK_OPERATION = "auskunft:link"
FORMATS = ("html", "pdf")
STATUS_BY_CODE = {"FORBIDDEN": 403, "RESTRICTED": 403, "NOT_FOUND": 404}


async def access_report_document(request: Request) -> Response:
    return await _answer(request, _produce)


async def data_copy_document(request: Request) -> Response:
    return await _answer(request, _produce_copy)


async def _answer(request: Request, produce) -> Response:
    try:
        return await produce(request, request.app.state.runtime)
    except TokenRejected as rejection:
        return unauthenticated(rejection)
    except LinkRejected as rejection:
        code = "UNAUTHENTICATED" if rejection.status == 401 else "FORBIDDEN"
        return error_response(rejection.status, code, rejection.message, reason=rejection.reason)
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
    client_id = parse_id(request.path_params["client_id"], "client")
    link = request.query_params.get("token")
    if link is None:
        work_of = unit_of_work(runtime, request.headers.get("authorization"))
        operation = OPERATION
        first_day = parse_day(request.query_params.get("from"), "from")
        last_day = parse_day(request.query_params.get("to"), "to")
    else:
        # A download link: its issuer reads the document, for the period the link names (the
        # query's from/to cannot widen it), without a bearer header.
        grant = verify(link, link_key(runtime.settings), client_id=client_id, now=datetime.now(UTC))
        work_of = work_in_scope(
            runtime, Scope.tenant(grant.tenant_id), lambda session: _issuer(session, grant)
        )
        operation = LINK_OPERATION
        first_day, last_day = grant.first_day, grant.last_day
    async with work_of as work:
        from_, to = period_of_days(first_day, last_day, now=work.now)
        wanted = request.query_params.get("format") or "html"
        if wanted not in FORMATS:
            raise ValidationFailed("format", "format is html or pdf", "Format ist html oder pdf")
        lang = request.query_params.get("lang")
        if lang is not None and lang not in LANGUAGES:
            raise ValidationFailed("lang", "lang is de or en", "Sprache ist de oder en")
        lang = language_of(lang, request.headers.get("accept-language"))
        settings = runtime.settings
        report, tag = await access_report(
            work.session,
            actor=work.actor,
            authorizer=runtime.authorizer,
            client_id=client_id,
            from_=from_,
            to=to,
            first=None,  # a document handed over is complete, not a page
            after=None,
            now=work.now,
            categories=request.app.state.field_categories,
            occasion_labels=occasion_labels(settings.trusted_documents_file),
        )
        work.guard.admit(tag, DataCategory.ACCESS_REPORT)
        copy = await data_copy(_caller(work, runtime), client_id=client_id, guard=work.guard)
        html = render_html(report, dpo_contact=settings.auskunft_dpo_contact, copy=copy, lang=lang)
        body = render_pdf(html) if wanted == "pdf" else None
        work.guard.record(tag, DataCategory.ACCESS_REPORT, "document")
        withheld = await record_and_commit(work, operation=operation)
    if withheld:
        return withheld
    headers = {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "Content-Language": lang,
        "Vary": "Accept-Language",
    }
    if body is not None:
        headers["Content-Disposition"] = 'inline; filename="auskunft.pdf"'
        return Response(body, media_type="application/pdf", headers=headers)
    return HTMLResponse(html, headers=headers)


async def _produce_copy(request: Request, runtime: Runtime) -> Response:
    client_id = parse_id(request.path_params["client_id"], "client")
    async with unit_of_work(runtime, request.headers.get("authorization")) as work:
        copy = await data_copy(_caller(work, runtime), client_id=client_id, guard=work.guard)
        work.guard.record(copy_tag(copy), DataCategory.ACCESS_REPORT, "copy")
        withheld = await record_and_commit(work, operation=COPY_OPERATION)
    if withheld:
        return withheld
    return JSONResponse(copy.as_json(), headers={"Cache-Control": "no-store"})


def _caller(work, runtime: Runtime) -> Caller:
    return Caller(
        session=work.session, actor=work.actor, authorizer=runtime.authorizer, now=work.now
    )


async def _issuer(session: AsyncSession, grant: LinkGrant) -> SignedIn:
    """A download link's issuer, as a token's user would be found (service/sign_in/users.py)."""
    return SignedIn(await issuer_of(session, grant), await restricted_subjects(session))
