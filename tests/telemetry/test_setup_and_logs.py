"""Telemetry is configured from the standard OTEL_* variables, and logs are JSON lines."""

from __future__ import annotations

import io
import json
import logging
import os
import sys

from opentelemetry.sdk.trace.export import BatchSpanProcessor

from service.telemetry.logging import JsonFormatter, configure_json_logging, request_id_var
from service.telemetry.setup import build_providers


def test_without_an_endpoint_nothing_is_configured():
    assert build_providers({}) is None
    assert build_providers({"OTEL_SERVICE_NAME": "casework"}) is None


def test_sdk_disabled_wins_over_an_endpoint():
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"}
    assert build_providers(env) is None


def test_an_endpoint_configures_otlp_traces_and_metrics():
    providers = build_providers(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SERVICE_NAME": "cw"}
    )

    assert providers is not None
    assert (providers.exports_traces, providers.exports_metrics) == (True, True)
    processors = providers.tracer_provider._active_span_processor._span_processors
    assert [type(processor) for processor in processors] == [BatchSpanProcessor]
    assert providers.tracer_provider.resource.attributes["service.name"] == "cw"
    providers.tracer_provider.shutdown()
    providers.meter_provider.shutdown()


def test_a_traces_endpoint_alone_exports_traces_only():
    providers = build_providers({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"})

    assert providers is not None
    assert (providers.exports_traces, providers.exports_metrics) == (True, False)
    providers.tracer_provider.shutdown()
    providers.meter_provider.shutdown()


def test_a_log_line_is_one_json_object_with_request_id():
    stream = io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    token = request_id_var.set("0123456789abcdef0123456789abcdef")
    try:
        configure_json_logging(stream=stream)
        logging.getLogger("service.example").info("answered %s", "query Me")
    finally:
        request_id_var.reset(token)
        root.handlers[:], root.level = handlers, level

    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["message"] == "answered query Me"
    assert entry["logger"] == "service.example"
    assert entry["level"] == "INFO"
    assert entry["pid"] == os.getpid()
    assert entry["request_id"] == "0123456789abcdef0123456789abcdef"
    assert entry["time"].endswith("+00:00")


def test_an_exception_is_logged_by_type_and_stack_not_message():
    message = "Michael Modemann, geboren 1979"  # what a database error could quote
    try:
        raise ValueError(message)
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
        record.exc_info = sys.exc_info()

    entry = json.loads(JsonFormatter().format(record))

    assert entry["exception"]["type"] == "builtins.ValueError"
    assert "Modemann" not in json.dumps(entry)
