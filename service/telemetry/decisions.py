"""Spans and counts for the two decisions that matter most: what the policy allowed, and that
the audit records were written.

With telemetry off these are a few attribute reads and no allocation of spans; a policy question
costs 100–400 µs (FIELD-NOTES.md, Oso), so even a recorded span (≈ 10 µs) is small beside it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opentelemetry import context as trace_context
from opentelemetry.trace import Status, StatusCode

from service.telemetry import names
from service.telemetry.graphql import actor_attributes
from service.telemetry.instruments import active
from service.telemetry.logging import sqlstate_of

if TYPE_CHECKING:
    from service.audit.event import AuditEvent


@dataclass(slots=True)
class Decision:
    allowed: bool = False
    categories: int | None = None
    cached: bool = False  # answered from the authorizer's memory, without asking Oso


@contextmanager
def policy_decision(question: str, actor: Any, action: str, resource: object) -> Iterator[Decision]:
    """Around one question to the policy; the caller fills in the `Decision`."""
    decision = Decision()
    instruments = active()
    if not instruments.enabled:
        yield decision
        return
    with instruments.tracer.start_as_current_span(question) as span:
        yield decision
        outcome = names.ALLOWED if decision.allowed else names.DENIED
        instruments.policy_decisions.add(
            1, {names.POLICY_ACTION: action, names.POLICY_DECISION: outcome}
        )
        if span.is_recording():
            span.set_attributes(actor_attributes(actor))
            span.set_attribute(names.POLICY_ACTION, action)
            span.set_attribute(names.POLICY_RESOURCE, type(resource).__name__)
            span.set_attribute(names.POLICY_DECISION, outcome)
            relations = getattr(resource, "relations", None)
            if relations is not None:
                span.set_attribute(names.POLICY_RELATIONS, sorted(map(str, relations)))
            span.set_attribute(names.POLICY_CACHED, decision.cached)
            if decision.categories is not None:
                span.set_attribute(names.POLICY_CATEGORIES_ALLOWED, decision.categories)


@contextmanager
def audit_write(events: Sequence[AuditEvent]) -> Iterator[None]:
    """Around the one statement that writes a request's audit records."""
    instruments = active()
    fields = sum(len(event.fields) for event in events)
    with instruments.tracer.start_as_current_span(
        names.SPAN_AUDIT_APPEND,
        attributes={names.AUDIT_RECORDS: len(events), names.AUDIT_FIELDS: fields},
        record_exception=False,  # the message could quote a row; type and SQLSTATE suffice
        set_status_on_exception=False,
    ) as span:
        try:
            yield
        except BaseException as error:
            instruments.audit_failures.add(1, {names.ERROR_TYPE: type(error).__name__})
            span.set_status(Status(StatusCode.ERROR, type(error).__name__))
            span.set_attribute(names.ERROR_TYPE, type(error).__name__)
            code = sqlstate_of(error)
            if code:
                span.set_attribute(names.DB_ERROR_CODE, code)
            raise
    instruments.audit_records.add(len(events))


def request_context() -> object:
    """The current request's trace context, to carry to work done for it elsewhere."""
    return trace_context.get_current()


@contextmanager
def within(context: object) -> Iterator[None]:
    """Work done for a request in another task (a group-committed audit batch, under its first
    request) traced as part of that request, not as a trace of its own."""
    token = trace_context.attach(context)
    try:
        yield
    finally:
        trace_context.detach(token)
