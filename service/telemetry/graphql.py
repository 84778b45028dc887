"""One span and one metric point per GraphQL operation.

A schema extension with `on_operation` only: a `resolve` hook would wrap every field and made a
500-row query ~8× slower, as did the stock OpenTelemetryExtension (FIELD-NOTES.md, Strawberry).

The operation name is the client's word, so it is kept only if it is a plain GraphQL name of at
most 64 characters; the document and the variables are never recorded.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from strawberry.extensions import SchemaExtension

from service.telemetry import names
from service.telemetry.instruments import active

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def operation_label(name: str | None) -> str:
    if not name:
        return names.ANONYMOUS_OPERATION
    return name if _NAME.fullmatch(name) else names.UNNAMEABLE_OPERATION


@dataclass(slots=True)
class ObservedOperation:
    """What the operation's span and metric points say, filled in by whoever ran it."""

    name: str | None = None  # the client's operation name
    kind: str = "unknown"  # query, mutation; unknown when the document did not parse
    errors: int = 0
    request_context: Any = None  # the request's Context: actor and read counts


@contextmanager
def observed_operation() -> Iterator[ObservedOperation]:
    """One span and one metric point for an operation, on the generic path (the extension
    below) and the compiled one (service/web/graphql_endpoint.py) alike, so dashboards count
    every request, however it ran."""
    instruments = active()
    started = time.perf_counter()
    observed = ObservedOperation()
    with instruments.tracer.start_as_current_span(names.SPAN_GRAPHQL_OPERATION) as span:
        yield observed
        name = operation_label(observed.name)
        outcome = names.OUTCOME_ERROR if observed.errors else names.OUTCOME_OK
        labels = {
            names.GRAPHQL_OPERATION_NAME: name,
            names.GRAPHQL_OPERATION_TYPE: observed.kind,
            names.GRAPHQL_OUTCOME: outcome,
        }
        instruments.operations.add(1, labels)
        instruments.operation_duration.record(time.perf_counter() - started, labels)
        if span.is_recording():
            span.update_name(f"{observed.kind} {name}")
            span.set_attributes(labels)
            span.set_attribute(names.GRAPHQL_ERRORS, observed.errors)
            span.set_attributes(request_facts(observed.request_context))


class OperationTelemetry(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        with observed_operation() as observed:
            yield
            context = self.execution_context
            observed.name = context.operation_name
            observed.kind = _operation_type(context)
            observed.errors = len(getattr(context.result, "errors", None) or ())
            observed.request_context = context.context


def _operation_type(context: Any) -> str:
    try:
        return context.operation_type.value
    except Exception:  # not parsed (syntax error) or no such operation in the document
        return "unknown"


def request_facts(context: Any) -> dict[str, Any]:
    """Who asked and how much was read: ids and counts, never content."""
    facts: dict[str, Any] = {}
    actor = getattr(context, "actor", None)
    if actor is not None:
        facts.update(actor_attributes(actor))
    guard = getattr(context, "guard", None)
    if guard is not None:
        counts = guard.log.counts()
        facts[names.OBJECTS_READ] = counts.objects_read
        facts[names.FIELDS_READ] = counts.fields_read
        facts[names.FIELDS_WRITTEN] = counts.fields_written
        facts[names.POLICY_QUESTIONS] = guard.policy_questions
    return facts


def actor_attributes(actor: Any) -> dict[str, str]:
    attributes = {names.ACTOR_KIND: str(actor.kind), names.ACTOR_ID: str(actor.user_id)}
    if actor.tenant_id is not None:
        attributes[names.TENANT_ID] = str(actor.tenant_id)
    if actor.organisation_id is not None:
        attributes[names.ORGANISATION_ID] = str(actor.organisation_id)
    return attributes
