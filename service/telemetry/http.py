"""One span, one metric point and one access-log line per HTTP request, and the request id.

A pure ASGI middleware (Starlette's BaseHTTPMiddleware would copy the body). The request id is
made here, before authentication, so every log line of the request carries it; the GraphQL
endpoint uses the same id for the request's audit records, and the response names it in
`X-Request-Id` so an operator can find both. An id the caller (an ingress) sends is kept when
it is a UUID: the audit stores request ids as UUIDs, and anything else — longer, or with other
characters — could carry text into logs; then the service makes its own.

Attributes follow the HTTP semantic conventions (stable since semconv 1.23). The route is a
fixed template, never the raw path: `/auskunft/{client_id}` would otherwise put a client's id
into metric attributes and multiply their number. The path itself (`url.path`) is on the span
only, and the query string nowhere.

The access line is written inside the request's span, so it carries the span's `trace_id` and
`span_id` (it was written after the span closed and carried neither).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from opentelemetry import propagate
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.telemetry import names
from service.telemetry.instruments import active
from service.telemetry.logging import request_id_var

log = logging.getLogger("service.access")

ROUTES = ("/graphql", "/healthz", "/readyz")
PROBES = ("/healthz", "/readyz")
REQUEST_ID_HEADER = b"x-request-id"
# The methods the conventions name; any other is reported as _OTHER (bounded cardinality).
KNOWN_METHODS = frozenset(
    {"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"}
)
_UUID = re.compile(
    r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def route_of(path: str) -> str:
    if path in ROUTES:
        return path
    if path.startswith("/auskunft/"):
        return "/auskunft/{client_id}"
    return "other"


def request_id_of(scope: Scope) -> str:
    """The caller's X-Request-Id if it is a UUID (32 hex digits, or 8-4-4-4-12), else a new one."""
    for key, value in scope.get("headers", ()):
        if key == REQUEST_ID_HEADER:
            sent = value.decode("latin-1")
            return sent if _UUID.fullmatch(sent) else uuid.uuid4().hex
    return uuid.uuid4().hex


class RequestTelemetry:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        token = request_id_var.set(request_id)
        instruments = active()
        method = scope["method"] if scope["method"] in KNOWN_METHODS else names.OTHER_METHOD
        route = route_of(scope["path"])
        common = {
            names.HTTP_METHOD: method,
            names.HTTP_ROUTE: route,
            names.URL_SCHEME: scope.get("scheme", "http"),
            names.NETWORK_PROTOCOL_VERSION: scope.get("http_version", "1.1"),
        }
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        parent = propagate.extract(_carrier(scope)) if instruments.enabled else None
        with instruments.tracer.start_as_current_span(
            f"{method} {route}",
            context=parent,
            kind=SpanKind.SERVER,
            attributes={**common, **_span_only(scope, request_id)},
            # An exception's message can quote a row or an input: type only (logging.py).
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            failure: str | None = None
            try:
                await self.app(scope, receive, send_with_id)
            except BaseException as error:
                failure = type(error).__name__
                raise
            finally:
                elapsed = time.perf_counter() - started
                attributes = {**common, names.HTTP_STATUS: status, **_error_of(status, failure)}
                _end(span, attributes)
                instruments.http_requests.add(1, attributes)
                instruments.http_duration.record(elapsed, attributes)
                if route not in PROBES:  # probes every few seconds are noise
                    _access_line(method, route, status, elapsed)
                request_id_var.reset(token)


def _span_only(scope: Scope, request_id: str) -> dict[str, str]:
    attributes = {names.URL_PATH: scope["path"], names.REQUEST_ID: request_id}
    if scope["method"] not in KNOWN_METHODS:
        attributes[names.HTTP_METHOD_ORIGINAL] = scope["method"][:32]
    return attributes


def _error_of(status: int, failure: str | None) -> dict[str, str]:
    # The conventions: an error is named by the exception's type, or else by a 5xx status code.
    if failure is not None:
        return {names.ERROR_TYPE: failure}
    return {names.ERROR_TYPE: str(status)} if status >= 500 else {}


def _end(span: Span, attributes: dict) -> None:
    if not span.is_recording():
        return
    span.set_attributes(attributes)
    if names.ERROR_TYPE in attributes:
        span.set_status(Status(StatusCode.ERROR))


def _access_line(method: str, route: str, status: int, elapsed: float) -> None:
    log.info(
        "%s %s %s",
        method,
        route,
        status,
        extra={
            "fields": {
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
            }
        },
    )


def _carrier(scope: Scope) -> dict[str, str]:
    # Only the W3C trace headers are read; the rest (Authorization!) never leaves the scope.
    return {
        key.decode("latin-1"): value.decode("latin-1")
        for key, value in scope.get("headers", ())
        if key in (b"traceparent", b"tracestate")
    }
