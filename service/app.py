"""Builds the Starlette application; nothing else."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from service.access_report.labels import FieldCategories
from service.audit.anchoring import anchor_periodically
from service.audit.partitions import keep_partitions_ahead
from service.runtime import Runtime, settle_heap, start_runtime
from service.schema import build_schema
from service.settings import Settings
from service.telemetry.http import RequestTelemetry
from service.telemetry.resolvers import request_is_sampled
from service.web.access_report import access_report_document, data_copy_document
from service.web.graphiql import ASSET_ROUTE, asset_response
from service.web.graphql_endpoint import GraphQLEndpoint
from service.web.health import healthz, readyz


def create_app(settings: Settings, runtime: Runtime | None = None) -> Starlette:
    """The app. Tests pass a started `runtime` (and close it); otherwise the lifespan starts one."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if runtime is not None:
            yield
            return
        started = await start_runtime(settings)
        _attach(app, started)
        settle_heap()
        chores = [
            task
            for task in (_start_anchoring(started), _start_partition_upkeep(started))
            if task is not None
        ]
        try:
            yield
        finally:
            for task in chores:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await started.close()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", _GraphQLOfApp(), methods=["GET", "POST"]),
            Route("/auskunft/{client_id}", access_report_document, methods=["GET"]),
            Route("/auskunft/{client_id}/copy", data_copy_document, methods=["GET"]),
            *_graphiql_assets(settings),
        ],
        lifespan=lifespan,
        middleware=[*_cors(settings), Middleware(RequestTelemetry)],
    )
    if runtime is not None:
        _attach(app, runtime)
    return app


def _graphiql_assets(settings: Settings) -> list[Route]:
    """GraphiQL's own scripts, from this origin (service/web/graphiql.py); development only, as
    GraphiQL itself."""
    if not settings.development:
        return []

    async def asset(request: Request) -> Response:
        return asset_response(settings.graphiql_dir, request)

    return [Route(f"{ASSET_ROUTE}/{{path:path}}", asset, methods=["GET"])]


def _cors(settings: Settings) -> list[Middleware]:
    """Portals on other origins (CORS_ALLOWED_ORIGINS); outermost, so a preflight is answered
    before routing. Bearer tokens only: credentials (cookies) are never allowed."""
    if not settings.cors_allowed_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_allowed_origins),
            allow_credentials=False,
            allow_methods=["GET", "POST"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Accept",
                "X-Request-Id",
                "traceparent",
            ],
            expose_headers=["X-Request-Id", "Retry-After"],
            max_age=600,
        )
    ]


def _attach(app: Starlette, runtime: Runtime) -> None:
    app.state.runtime = runtime
    introspection = runtime.settings.development
    served = build_schema(introspection=introspection)
    # The Auskunft names what was read by the categories the served schema declares: handed
    # down from here, to the GraphQL context and to /auskunft, so nothing imports the schema.
    categories = FieldCategories.of_schema(served.field_categories)
    app.state.field_categories = categories
    app.state.graphql = GraphQLEndpoint(served, runtime, field_categories=categories)
    # The same API with a span per resolver that waits on something: for sampled traces only.
    app.state.graphql_traced = GraphQLEndpoint(
        build_schema(introspection=introspection, resolver_spans=True),
        runtime,
        field_categories=categories,
    )


def _start_partition_upkeep(runtime: Runtime) -> asyncio.Task:
    """The audit partitions a year ahead, checked daily (start_runtime did it once already)."""
    return asyncio.create_task(
        keep_partitions_ahead(runtime.database.engine), name="audit-partitions"
    )


def _start_anchoring(runtime: Runtime) -> asyncio.Task | None:
    """The periodic anchor, beside the requests on the same loop (one SELECT and one signature
    per interval; bench/anchor_cost.py)."""
    anchoring = runtime.anchoring
    if anchoring is None:
        return None
    return asyncio.create_task(
        anchor_periodically(
            runtime.database.engine,
            anchoring.store,
            anchoring.private_key,
            anchoring.interval_seconds,
        ),
        name="audit-anchoring",
    )


class _GraphQLOfApp:
    """An ASGI app (so Starlette routes /graphql without a redirect) that forwards to the
    endpoint the lifespan attached, which exists only once the runtime has started."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["app"].state
        endpoint = state.graphql_traced if request_is_sampled() else state.graphql
        await endpoint(scope, receive, send)
