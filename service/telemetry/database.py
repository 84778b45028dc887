"""Database spans and the pool gauge for the service's engine, from SQLAlchemy's events.

Not the stock opentelemetry-instrumentation-sqlalchemy: it puts the driver's error message into
the span status, and PostgreSQL's messages quote the offending row ("Key (…)=(…)", "Failing row
contains …"). Here a failed statement is named by exception type and SQLSTATE only. Statements
are recorded as the service sends them: values are always bound parameters, never in the text.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import SpanKind, Status, StatusCode
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from service.telemetry import names
from service.telemetry.instruments import active, watch_pool
from service.telemetry.logging import sqlstate_of

_SPAN_KEY = "_casework_span"
_MAX_STATEMENT = 2000
_INSTRUMENTED = "casework_instrumented"


def instrument_engine(engine: AsyncEngine | Engine) -> None:
    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    if getattr(sync, _INSTRUMENTED, False):
        return
    setattr(sync, _INSTRUMENTED, True)
    event.listen(sync, "before_cursor_execute", _before)
    event.listen(sync, "after_cursor_execute", _after)
    event.listen(sync, "handle_error", _failed)
    watch_pool(sync)


def _before(conn, _cursor, statement: str, _params, context, _many) -> None:
    instruments = active()
    if not instruments.enabled:
        return
    operation = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
    database = conn.engine.url.database or ""
    span = instruments.tracer.start_span(
        f"{operation} {database}".strip(),
        kind=SpanKind.CLIENT,
        attributes={
            names.DB_SYSTEM: "postgresql",
            names.DB_NAMESPACE: database,
            names.DB_OPERATION: operation,
            names.DB_QUERY_TEXT: statement[:_MAX_STATEMENT],
        },
    )
    setattr(context, _SPAN_KEY, span)


def _after(_conn, _cursor, _statement, _params, context, _many) -> None:
    span = getattr(context, _SPAN_KEY, None)
    if span is not None:
        span.end()


def _failed(exception_context: Any) -> None:
    context = exception_context.execution_context
    span = getattr(context, _SPAN_KEY, None) if context is not None else None
    if span is None:
        return
    error = exception_context.original_exception
    span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    span.set_attribute(names.ERROR_TYPE, type(error).__name__)
    code = sqlstate_of(error)
    if code:
        span.set_attribute(names.DB_ERROR_CODE, code)
    span.end()
