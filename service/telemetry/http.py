"""One span, one metric point and one access-log line per HTTP request, and the request id.

A pure ASGI middleware (Starlette's BaseHTTPMiddleware would copy the body). The request id is
made here, before authentication, so every log line of the request carries it; the GraphQL
endpoint uses the same id for the request's audit records, and the response names it in
`X-Request-Id` so an operator can find both.

The route is a fixed template, never the raw path: `/auskunft/{client_id}` would otherwise put
a client's id into metric attributes and multiply their number.
"""

from __future__ import annotations

import logging
import time
import uuid

from opentelemetry import propagate
from opentelemetry.trace import SpanKind
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.telemetry import names
from service.telemetry.instruments import active
from service.telemetry.logging import request_id_var

log = logging.getLogger("service.access")

ROUTES = ("/graphql", "/healthz", "/readyz")
REQUEST_ID_HEADER = b"x-request-id"


def route_of(path: str) -> str:
    if path in ROUTES:
        return path
    if path.startswith("/auskunft/"):
        return "/auskunft/{client_id}"
    return "other"


class RequestTelemetry:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        token = request_id_var.set(request_id)
        instruments = active()
        method = scope["method"]
        route = route_of(scope["path"])
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
        try:
            with instruments.tracer.start_as_current_span(
                f"{method} {route}",
                context=parent,
                kind=SpanKind.SERVER,
                attributes={
                    names.HTTP_METHOD: method,
                    names.HTTP_ROUTE: route,
                    names.REQUEST_ID: request_id,
                },
            ) as span:
                await self.app(scope, receive, send_with_id)
                span.set_attribute(names.HTTP_STATUS, status)
        finally:
            elapsed = time.perf_counter() - started
            attributes = {
                names.HTTP_METHOD: method,
                names.HTTP_ROUTE: route,
                names.HTTP_STATUS: status,
            }
            instruments.http_requests.add(1, attributes)
            instruments.http_duration.record(elapsed, attributes)
            if route not in ("/healthz", "/readyz"):  # probes every few seconds are noise
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
            request_id_var.reset(token)


def _carrier(scope: Scope) -> dict[str, str]:
    # Only the W3C trace headers are read; the rest (Authorization!) never leaves the scope.
    return {
        key.decode("latin-1"): value.decode("latin-1")
        for key, value in scope.get("headers", ())
        if key in (b"traceparent", b"tracestate")
    }
