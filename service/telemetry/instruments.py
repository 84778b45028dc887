"""The instruments the service records with, swapped as a whole when telemetry is configured.

Until `activate` is called they are OpenTelemetry's no-op implementations and `enabled` is
False, so the hot paths (policy questions, SQL statements) skip even building attributes: a
service without an OTLP endpoint pays next to nothing for being instrumented.

Tests activate SDK providers with in-memory exporters and `reset` afterwards, without touching
OpenTelemetry's process-wide providers (which can be set only once per process).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from opentelemetry.metrics import (
    CallbackOptions,
    Counter,
    Histogram,
    MeterProvider,
    NoOpMeterProvider,
    Observation,
)
from opentelemetry.trace import NoOpTracerProvider, Tracer, TracerProvider
from sqlalchemy.engine import Engine

from service.telemetry import names

# Engines whose pools the connection gauge reports (weak: a disposed runtime drops out).
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
_partition_months: int | None = None


@dataclass(frozen=True, slots=True)
class Instruments:
    enabled: bool
    tracer: Tracer
    http_requests: Counter
    http_duration: Histogram
    operations: Counter
    operation_duration: Histogram
    policy_decisions: Counter
    audit_records: Counter
    audit_failures: Counter


def build(tracer_provider: TracerProvider, meter_provider: MeterProvider, *, enabled: bool):
    meter = meter_provider.get_meter(names.INSTRUMENTATION_SCOPE)
    meter.create_observable_gauge(
        names.METRIC_DB_CONNECTIONS,
        callbacks=[_observe_pools],
        unit="{connection}",
        description="Connections of the service's pool, by state (used = checked out)",
    )
    meter.create_observable_gauge(
        names.METRIC_AUDIT_PARTITION_MONTHS,
        callbacks=[_observe_partitions],
        unit="{month}",
        description="Months after the current one that the audit log's partitions cover",
    )
    return Instruments(
        enabled=enabled,
        tracer=tracer_provider.get_tracer(names.INSTRUMENTATION_SCOPE),
        http_requests=meter.create_counter(
            names.METRIC_HTTP_REQUESTS, unit="{request}", description="HTTP requests answered"
        ),
        http_duration=meter.create_histogram(
            names.METRIC_HTTP_DURATION,
            unit="s",
            description="HTTP request duration",
            explicit_bucket_boundaries_advisory=names.DURATION_BUCKETS_SECONDS,
        ),
        operations=meter.create_counter(
            names.METRIC_GRAPHQL_OPERATIONS,
            unit="{operation}",
            description="GraphQL operations by name, type and outcome",
        ),
        operation_duration=meter.create_histogram(
            names.METRIC_GRAPHQL_DURATION,
            unit="s",
            description="GraphQL operation duration",
            explicit_bucket_boundaries_advisory=names.DURATION_BUCKETS_SECONDS,
        ),
        policy_decisions=meter.create_counter(
            names.METRIC_POLICY_DECISIONS,
            unit="{decision}",
            description="Questions to the policy, by question and decision",
        ),
        audit_records=meter.create_counter(
            names.METRIC_AUDIT_RECORDS, unit="{record}", description="Audit records written"
        ),
        audit_failures=meter.create_counter(
            names.METRIC_AUDIT_FAILURES,
            unit="{write}",
            description="Audit writes that failed (the request's data was withheld)",
        ),
    )


def _observe_pools(_options: CallbackOptions) -> Iterable[Observation]:
    for engine in list(_ENGINES):
        pool = engine.pool
        name = {names.DB_POOL_NAME: engine.url.database or "default"}
        checked_out = getattr(pool, "checkedout", None)
        checked_in = getattr(pool, "checkedin", None)
        if checked_out is None or checked_in is None:
            continue  # a pool without counters (NullPool): nothing to report
        yield Observation(checked_out(), {**name, names.DB_CONNECTION_STATE: "used"})
        yield Observation(checked_in(), {**name, names.DB_CONNECTION_STATE: "idle"})


def _observe_partitions(_options: CallbackOptions) -> Iterable[Observation]:
    if _partition_months is not None:
        yield Observation(_partition_months)


def note_audit_partition_months(months: int) -> None:
    """What the audit's partition gauge reports: an observable gauge cannot ask the database, so
    service/audit/partitions.py tells it whenever it reads the count."""
    global _partition_months
    _partition_months = months


def watch_pool(engine: Engine) -> None:
    _ENGINES.add(engine)


_NO_OP = build(NoOpTracerProvider(), NoOpMeterProvider(), enabled=False)
_active: Instruments = _NO_OP


def active() -> Instruments:
    return _active


def activate(tracer_provider: TracerProvider, meter_provider: MeterProvider) -> Instruments:
    global _active
    _active = build(tracer_provider, meter_provider, enabled=True)
    return _active


def reset() -> None:
    """Back to no-op instruments (tests)."""
    global _active
    _active = _NO_OP
