"""The /graphql endpoint: authenticate, open the request's one unit of work, execute, commit,
and only then let the response leave.

Committing *before* the response is sent is what lets later work keep invariant 3: the records
of a request are written in its transaction, and if that commit fails the client gets an error
instead of the data.
"""

from __future__ import annotations

import json
import logging
import uuid

import orjson
from cross_web import HTTPException  # what strawberry's view raises for a malformed request
from graphql import GraphQLError
from sqlalchemy import exc as sa_exc
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from service.access_report.labels import FieldCategories
from service.compiled.documents import CompiledDocuments
from service.compiled.execute import NotRunHere, arguments_for, execute
from service.identity.tokens import TokenRejected
from service.runtime import Runtime
from service.schema.context import Context
from service.schema.errors import INTERNAL_MESSAGE, document_error_code
from service.telemetry.graphql import observed_operation
from service.web.graphiql import offline_page
from service.web.limits import BodyTooLarge, read_body, replay
from service.web.media_types import GRAPHQL_RESPONSE, JSON, negotiate
from service.web.request_body import BodyRefused, checked_body
from service.web.responses import error_response, unauthenticated
from service.web.trusted_documents import DocumentNotTrusted, TrustedDocuments, TrustMode
from service.web.unit_of_work import record_and_commit, unit_of_work

log = logging.getLogger(__name__)

# Connection loss, server gone, refused log-in: the database cannot serve this request now.
UNAVAILABLE_ERRORS = (sa_exc.DBAPIError, OSError)
RETRY_AFTER_SECONDS = "2"


class GraphQLEndpoint(GraphQL):
    def __init__(self, schema, runtime: Runtime, *, field_categories: FieldCategories) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if runtime.settings.development else None,
            # Queries in URLs end up in access logs and proxies, and variables can be personal.
            allow_queries_via_get=False,
        )
        self.runtime = runtime
        self.field_categories = field_categories
        # Loaded at start: a mode without its manifest stops the service, not a request.
        self.trusted = TrustedDocuments.load(
            TrustMode(runtime.settings.trusted_documents), runtime.settings.trusted_documents_file
        )
        # Registered documents run compiled where a plan covers them (issue 17): graphql-core's
        # per-field execution was most of a 50-case list's ≈ 14 ms of Python (FIELD-NOTES.md).
        self.compiled = CompiledDocuments(schema)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Development mode only (graphql_ide is None otherwise): the page from this origin.
        return HTMLResponse(offline_page(self.runtime.settings.graphiql_dir))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await error_response(404, "NOT_FOUND", "subscriptions are not offered")(
                scope, receive, send
            )
            return
        try:
            headers = {
                key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
            }
            body = await read_body(receive, headers, self.runtime.settings.max_request_bytes)
            if scope.get("method") == "POST":
                body = checked_body(body)
        except BodyTooLarge as refused:
            response = error_response(
                413, "REQUEST_TOO_LARGE", f"request body larger than {refused.limit} bytes"
            )
        except BodyRefused as refused:
            response = _refused_body(refused)
        else:
            response = await self._respond(Request(scope, replay(body)))
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        if (
            request.method == "GET"
            and self.graphql_ide
            and "text/html" in request.headers.get("accept", "")
        ):
            return await self.render_graphql_ide(request)  # the page holds no data
        # Only POST answers with GraphQL responses (queries via GET are off): negotiate there.
        media_type = negotiate(request.headers.get("accept")) if request.method == "POST" else JSON
        if media_type is None:
            return error_response(
                406,
                "NOT_ACCEPTABLE",
                f"accept {GRAPHQL_RESPONSE} or {JSON}",
                messageDe=f"Antwort nur als {GRAPHQL_RESPONSE} oder {JSON}",
            )
        request.state.media_type = media_type
        response = await self._answer(request)
        if media_type == GRAPHQL_RESPONSE:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
        return response

    async def _answer(self, request: Request) -> Response:
        try:
            return await self._execute(request)
        except TokenRejected as rejection:
            return unauthenticated(rejection)
        except HTTPException as problem:
            return error_response(problem.status_code, "BAD_REQUEST", problem.reason)
        except DocumentNotTrusted as refused:
            return error_response(400, "DOCUMENT_NOT_TRUSTED", refused.message)
        except sa_exc.TimeoutError:
            # Every pooled connection stayed busy for DB_POOL_TIMEOUT_SECONDS: shed the load.
            log.warning("database pool exhausted")
            return _retry_later(
                error_response(
                    503, "SERVICE_BUSY", "all database connections are busy; try again shortly"
                )
            )
        except UNAVAILABLE_ERRORS as error:
            log.warning("database unavailable (%s)", type(error).__name__)
            return _retry_later(
                error_response(
                    503, "DATABASE_UNAVAILABLE", "the database is unavailable; try again shortly"
                )
            )
        except Exception as error:
            # Never a stack trace or SQL to the client: an id to quote, the details in the log.
            error_id = uuid.uuid4().hex
            log.error("unexpected error %s (%s)", error_id, type(error).__name__, exc_info=True)
            return error_response(500, "INTERNAL", INTERNAL_MESSAGE, errorId=error_id)

    async def _execute(self, request: Request) -> Response:
        async with unit_of_work(self.runtime, request.headers.get("authorization")) as work:
            if self.trusted.enforced_for(work.actor):
                request = await self._with_trusted_document(request)
            request.state.work = work
            response = await self._run_compiled(request)
            compiled_query = response is not None
            if response is None:
                response = await self.run(request)
            if media_type_of(request) == GRAPHQL_RESPONSE and request_error_of(request):
                response.status_code = 400  # the document did not parse or validate
            context: Context = request.state.context
            # The context holds the request: a cycle that kept the request's objects for the
            # collector (service/schema/dataloaders.py, RequestLoader).
            del request.state.context
            if context.fault_ids:
                await work.session.rollback()
                return _fault_response(context.fault_ids)
            # A registered document is recorded by its id: the Auskunft names its occasion by
            # the document's label, never by an operation name the caller chose.
            operation = self.trusted.registered_id(context.document) or context.operation
            withheld = await record_and_commit(
                work, operation=operation, compiled_query=compiled_query
            )
        return withheld or response

    async def _run_compiled(self, request: Request) -> Response | None:
        """The response of a registered document's plan; None where the generic path answers:
        trust mode off, no plan for the document, or variables it would refuse."""
        if self.trusted.mode is TrustMode.OFF:
            return None
        try:
            body = json.loads(await request.body())
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        text, variables = body.get("query"), body.get("variables") or {}
        key = self.trusted.registered_id(text)
        if key is None or not isinstance(variables, dict):
            return None
        plan = self.compiled.plan_for(key, text)
        name = body.get("operationName")
        if plan is None or (name is not None and name != _operation_name(plan)):
            return None
        try:
            arguments = arguments_for(plan, self.schema, variables)
        except NotRunHere:
            return None
        # As strawberry makes it: without a Content-Length of its own to be sent twice.
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        with observed_operation() as observed:
            result = await execute(plan, context, arguments)
            observed.name = _operation_name(plan)
            observed.kind = plan.operation.operation.value
            observed.errors = len(result.errors or ())
            observed.request_context = context
        context.document = text
        return self.create_response(await self.process_result(request, result), sub_response)

    async def _with_trusted_document(self, request: Request) -> Request:
        """The request, its document replaced by the registered one it names or is."""
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(body, dict):
            raise DocumentNotTrusted("send one registered document per request")
        resolved = json.dumps(self.trusted.resolve(body)).encode()
        return Request(request.scope, replay(resolved))

    def encode_json(self, data: object) -> bytes:
        # orjson: the standard library's encoder was 4–5 % of a request's CPU (bench/RESULTS.md).
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> dict:
        """Errors raised before execution (a document too large to parse) bypass the schema's
        extensions; give them their code here, so every error a portal sees has one."""
        data = await super().process_result(request, result)
        # A request error: nothing was executed (errors without a path, no data). With
        # application/graphql-response+json it is answered 4xx (GraphQL over HTTP).
        errors = result.errors or ()
        request.state.request_error = (
            bool(errors)
            and result.data is None
            and all(getattr(error, "path", None) is None for error in errors)
        )
        for error in data.get("errors") or ():
            extensions = error.setdefault("extensions", {})
            extensions.setdefault("code", document_error_code(GraphQLError(error["message"])))
        return data

    async def get_context(self, request: Request, response: Response) -> Context:
        work = request.state.work
        context = Context(
            request=request,
            response=response,
            request_id=work.request_id,
            actor=work.actor,
            session=work.session,
            authorizer=self.runtime.authorizer,
            guard=work.guard,
            now=work.now,
            field_categories=self.field_categories,
            anchoring=self.runtime.anchoring,
        )
        request.state.context = context
        return context


def _operation_name(plan) -> str | None:
    name = plan.operation.name
    return name.value if name else None


def media_type_of(request: Request) -> str:
    return getattr(request.state, "media_type", JSON)


def request_error_of(request: Request) -> bool:
    return getattr(request.state, "request_error", False)


def _refused_body(refused: BodyRefused) -> Response:
    extensions = {"messageDe": refused.message_de}
    if refused.field is not None:
        extensions["field"] = refused.field
    return error_response(400, refused.code, refused.message, **extensions)


def _retry_later(response: Response) -> Response:
    response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def _fault_response(fault_ids: list[str]) -> Response:
    """A fault rolled the request back, so none of its data may leave: only the error ids."""
    return error_response(500, "INTERNAL", INTERNAL_MESSAGE, errorId=fault_ids[0])
