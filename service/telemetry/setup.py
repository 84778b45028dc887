"""Configure the OpenTelemetry SDK from the standard `OTEL_*` environment variables.

Called once when the runtime starts (never at import). Without an OTLP endpoint
(`OTEL_EXPORTER_OTLP_ENDPOINT`, or the traces/metrics-specific one) nothing is configured and
every instrument stays a no-op. The exporters themselves read the rest of the standard variables
(`OTEL_EXPORTER_OTLP_HEADERS`, `..._TIMEOUT`, `..._CERTIFICATE`, …); the sampler comes from
`OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, the resource from `OTEL_SERVICE_NAME` and
`OTEL_RESOURCE_ATTRIBUTES`, with `service.version` from the installed package. Only OTLP over
HTTP (protobuf, port 4318) is built in for pushing.

Metrics can also be pulled: with `OTEL_METRICS_EXPORTER=prometheus` (read into the settings,
`PrometheusEndpoint`) the OpenTelemetry Prometheus exporter serves them on a port of their own
(`OTEL_EXPORTER_PROMETHEUS_PORT`, 9464), never on the API's: what they count is for the
operators, not for every portal that can reach the API.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, SERVICE_VERSION, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from service.settings import PrometheusEndpoint
from service.telemetry import instruments, names

log = logging.getLogger(__name__)

_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True, slots=True)
class Providers:
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    exports_traces: bool
    exports_metrics: bool
    metrics_server: Any = None
    """The Prometheus endpoint's HTTP server (its own thread), when one was asked for."""

    def shutdown(self) -> None:
        if self.metrics_server is not None:
            self.metrics_server.shutdown()
            self.metrics_server.server_close()
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


def build_providers(
    env: Mapping[str, str], prometheus: PrometheusEndpoint | None = None
) -> Providers | None:
    """SDK providers with the exporters `env` and `prometheus` ask for, or None for none."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() in _TRUE:
        return None
    common = env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    traces = _wanted(env, "TRACES", common)
    metric_export = _wanted(env, "METRICS", common)
    if not (traces or metric_export or prometheus):
        return None
    protocol = env.get("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    if protocol != "http/protobuf":
        log.warning("OTEL_EXPORTER_OTLP_PROTOCOL=%s is not built in; using http/protobuf", protocol)
    resource = Resource.create(
        {
            SERVICE_NAME: env.get("OTEL_SERVICE_NAME") or names.DEFAULT_SERVICE_NAME,
            SERVICE_VERSION: service_version(),
        }
    )
    # Spans nobody exports are not recorded at all (sampled out): recording them would also
    # route every request to the schema with resolver spans (service/telemetry/resolvers.py).
    tracer_provider = TracerProvider(resource=resource, sampler=None if traces else ALWAYS_OFF)
    if traces:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    readers: list[MetricReader] = []
    if metric_export:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    server = None
    if prometheus is not None:
        reader, server = _serve_prometheus(prometheus)
        readers.append(reader)
    return Providers(
        tracer_provider=tracer_provider,
        meter_provider=MeterProvider(resource=resource, metric_readers=readers),
        exports_traces=traces,
        exports_metrics=metric_export,
        metrics_server=server,
    )


def service_version() -> str:
    try:
        return metadata.version("casework-service")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _serve_prometheus(endpoint: PrometheusEndpoint) -> tuple[MetricReader, Any]:
    from opentelemetry.exporter.prometheus import PrometheusMetricReader
    from prometheus_client import CollectorRegistry, ProcessCollector, start_http_server

    # A registry of its own: the global one would collect a second reader's metrics twice.
    registry = CollectorRegistry(auto_describe=True)
    ProcessCollector(registry=registry)  # CPU, memory, open files of the process
    reader = PrometheusMetricReader(registry=registry)
    server, _thread = start_http_server(endpoint.port, addr=endpoint.host, registry=registry)
    return reader, server


def _wanted(env: Mapping[str, str], signal: str, common: str | None) -> bool:
    exporters = env.get(f"OTEL_{signal}_EXPORTER") or "otlp"
    if "otlp" not in {word.strip().lower() for word in exporters.split(",")}:
        return False
    return bool(env.get(f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT") or common)


_configured: Providers | None = None
_done = False


def configure_from_environment(
    env: Mapping[str, str] | None = None, *, prometheus: PrometheusEndpoint | None = None
) -> Providers | None:
    """Configure once per process; later calls return the first answer."""
    global _configured, _done
    if _done:
        return _configured
    _done = True
    providers = build_providers(os.environ if env is None else env, prometheus)
    if providers is None:
        log.info("telemetry: no exporter configured; traces and metrics are off")
        return None
    # Process-wide too, so libraries that look for the global providers find ours.
    trace.set_tracer_provider(providers.tracer_provider)
    metrics.set_meter_provider(providers.meter_provider)
    instruments.activate(providers.tracer_provider, providers.meter_provider)
    _configured = providers
    signals = (("traces", providers.exports_traces), ("metrics", providers.exports_metrics))
    pushed = [kind for kind, on in signals if on]
    if pushed:
        log.info("telemetry: exporting %s over OTLP", " and ".join(pushed))
    if prometheus is not None:
        log.info("telemetry: metrics for Prometheus on %s:%d", prometheus.host, prometheus.port)
    return providers
