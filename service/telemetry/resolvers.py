"""Resolver-level spans, for sampled requests only.

A `resolve` hook on every field costs ~8× on a 500-row query (FIELD-NOTES.md), so it is not in
the schema that serves ordinary requests at all: the app builds a second schema with it and
routes a request there only when its trace is sampled (service/app.py). Spans are made for the
fields that wait on something (their resolver returns an awaitable: loaders, queries), named by
type and field only — no arguments, no values.
"""

from __future__ import annotations

import inspect
from typing import Any

from opentelemetry import trace
from strawberry.extensions import SchemaExtension

from service.telemetry import names
from service.telemetry.instruments import active


def request_is_sampled() -> bool:
    return trace.get_current_span().is_recording()


class ResolverSpans(SchemaExtension):
    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        result = _next(root, info, *args, **kwargs)
        if not inspect.isawaitable(result):
            return result
        return _traced(result, f"resolve {info.parent_type.name}.{info.field_name}", info.path)


async def _traced(result: Any, span_name: str, path: Any) -> Any:
    with active().tracer.start_as_current_span(names.SPAN_RESOLVE) as span:
        span.update_name(span_name)
        span.set_attribute(names.GRAPHQL_FIELD_DEPTH, len(path.as_list()))
        return await result
