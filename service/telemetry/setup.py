"""Configure the OpenTelemetry SDK from the standard `OTEL_*` environment variables.

Called once when the runtime starts (never at import). Without an OTLP endpoint
(`OTEL_EXPORTER_OTLP_ENDPOINT`, or the traces/metrics-specific one) nothing is configured and
every instrument stays a no-op. The exporters themselves read the rest of the standard variables
(`OTEL_EXPORTER_OTLP_HEADERS`, `..._TIMEOUT`, `..._CERTIFICATE`, …); the sampler comes from
`OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, the resource from `OTEL_SERVICE_NAME` and
`OTEL_RESOURCE_ATTRIBUTES`. Only OTLP over HTTP (protobuf, port 4318) is built in.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from service.telemetry import instruments, names

log = logging.getLogger(__name__)

_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True, slots=True)
class Providers:
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    exports_traces: bool
    exports_metrics: bool


def build_providers(env: Mapping[str, str]) -> Providers | None:
    """SDK providers with OTLP exporters as `env` asks, or None when it asks for none."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() in _TRUE:
        return None
    common = env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    traces = _wanted(env, "TRACES", common)
    metric_export = _wanted(env, "METRICS", common)
    if not (traces or metric_export):
        return None
    protocol = env.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    if protocol != "http/protobuf":
        log.warning("OTEL_EXPORTER_OTLP_PROTOCOL=%s is not built in; using http/protobuf", protocol)
    resource = Resource.create(
        {SERVICE_NAME: env.get("OTEL_SERVICE_NAME") or names.DEFAULT_SERVICE_NAME}
    )
    tracer_provider = TracerProvider(resource=resource)
    if traces:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    readers = []
    if metric_export:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    return Providers(
        tracer_provider=tracer_provider,
        meter_provider=MeterProvider(resource=resource, metric_readers=readers),
        exports_traces=traces,
        exports_metrics=metric_export,
    )


def _wanted(env: Mapping[str, str], signal: str, common: str | None) -> bool:
    if env.get(f"OTEL_{signal}_EXPORTER", "otlp").strip().lower() == "none":
        return False
    return bool(env.get(f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT") or common)


_configured: Providers | None = None
_done = False


def configure_from_environment(env: Mapping[str, str] | None = None) -> Providers | None:
    """Configure once per process; later calls return the first answer."""
    global _configured, _done
    if _done:
        return _configured
    _done = True
    providers = build_providers(os.environ if env is None else env)
    if providers is None:
        log.info("telemetry: no OTLP endpoint configured; traces and metrics are off")
        return None
    # Process-wide too, so libraries that look for the global providers find ours.
    trace.set_tracer_provider(providers.tracer_provider)
    metrics.set_meter_provider(providers.meter_provider)
    instruments.activate(providers.tracer_provider, providers.meter_provider)
    _configured = providers
    log.info(
        "telemetry: exporting %s over OTLP",
        " and ".join(
            kind
            for kind, on in (
                ("traces", providers.exports_traces),
                ("metrics", providers.exports_metrics),
            )
            if on
        ),
    )
    return providers
