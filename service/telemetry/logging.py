"""Structured logs: one JSON object per line with time, level, logger, message, process id,
request id and trace id.

Exceptions are logged by type, SQLSTATE and stack, never by message: a database error's message
can quote the row it tripped on, and a validation error the text that was too long — either may
be personal data (same rule as service/schema/errors.py).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

from opentelemetry import trace

request_id_var: ContextVar[str | None] = ContextVar("casework_request_id", default=None)

# These loggers echo SQL parameters and result rows at INFO/DEBUG — personal data by definition.
# They stay at WARNING whatever the root level is; turn them up only on a test database.
QUIET_LOGGERS = ("sqlalchemy.engine", "sqlalchemy.pool", "asyncpg")
# uvicorn's access log names the client's IP address; the request middleware logs its own line.
SILENCED_LOGGERS = ("uvicorn.access",)


def current_request_id() -> str | None:
    return request_id_var.get()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            # Which process wrote the line: with SERVICE_WORKERS several write to one stream.
            "pid": record.process,
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry["trace_id"] = format(span_context.trace_id, "032x")
            entry["span_id"] = format(span_context.span_id, "016x")
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = describe_exception(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False, default=str)


def describe_exception(error: BaseException) -> dict[str, str]:
    described = {
        "type": f"{type(error).__module__}.{type(error).__qualname__}",
        "stack": "".join(traceback.format_tb(error.__traceback__)),
    }
    sqlstate = sqlstate_of(error)
    if sqlstate:
        described["sqlstate"] = sqlstate
    return described


def sqlstate_of(error: BaseException) -> str | None:
    """The SQLSTATE of a database error (SQLAlchemy wraps the driver's), or None."""
    for candidate in (error, getattr(error, "orig", None), error.__cause__):
        code = getattr(candidate, "sqlstate", None)
        if isinstance(code, str):
            return code
    return None


def pin_quiet_loggers() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # A child given its own level (sqlalchemy.engine.Engine) would not inherit the pin.
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.startswith(
            tuple(f"{quiet}." for quiet in QUIET_LOGGERS)
        ):
            logger.setLevel(logging.NOTSET)
    for name in SILENCED_LOGGERS:
        logging.getLogger(name).disabled = True


def configure_json_logging(level: int = logging.INFO, stream: IO[str] | None = None) -> None:
    """Replace the root handlers by one JSON-lines handler (stderr); for `service serve`."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's own loggers propagate to the root handler instead of printing plain text.
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    pin_quiet_loggers()
