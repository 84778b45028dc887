"""Metrics pulled by Prometheus from a port of their own, the resource naming the release, and
the telemetry settings refusing what they cannot mean."""

from __future__ import annotations

import logging
from importlib import metadata

import httpx
import pytest

from service.settings import PrometheusEndpoint, SettingsError, load_settings
from service.telemetry import instruments
from service.telemetry.setup import build_providers

ME = "query Me { me { subject } }"


@pytest.fixture
def prometheus():
    """The providers `service serve` builds for OTEL_METRICS_EXPORTER=prometheus, on a free
    loopback port."""
    providers = build_providers({}, PrometheusEndpoint(host="127.0.0.1", port=0))
    assert providers is not None
    instruments.activate(providers.tracer_provider, providers.meter_provider)
    try:
        yield providers
    finally:
        instruments.reset()
        providers.shutdown()


async def test_metrics_are_scraped_from_their_own_port_and_not_from_the_api(client, prometheus):
    await client.post("/graphql", json={"query": ME})
    port = prometheus.metrics_server.server_port

    async with httpx.AsyncClient() as scraper:
        scraped = await scraper.get(f"http://127.0.0.1:{port}/metrics")
    on_the_api = await client.get("/metrics")

    assert scraped.status_code == 200
    body = scraped.text
    assert (
        'http_server_request_duration_seconds_bucket{http_request_method="POST",'
        'http_response_status_code="401",http_route="/graphql",le="0.005",'
        'network_protocol_version="1.1",otel_scope_name="casework-service",'
    ) in body
    assert 'le="10.0"' in body
    version = metadata.version("casework-service")
    assert f'service_version="{version}"' in body  # target_info, from the resource
    assert "process_resident_memory_bytes" in body
    assert on_the_api.status_code == 404


def test_the_resource_names_the_service_and_its_version():
    providers = build_providers({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"})
    assert providers is not None
    try:
        attributes = providers.tracer_provider.resource.attributes
        assert attributes["service.name"] == "casework-service"
        assert attributes["service.version"] == metadata.version("casework-service")
    finally:
        providers.shutdown()


def test_spans_nobody_exports_are_not_recorded():
    providers = build_providers({"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://c:4318/v1/m"})
    assert providers is not None
    try:
        tracer = providers.tracer_provider.get_tracer("test")
        with tracer.start_as_current_span("request") as span:
            assert not span.is_recording()
    finally:
        providers.shutdown()


def test_prometheus_alone_does_not_push_metrics_over_otlp():
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_METRICS_EXPORTER": "prometheus"}
    providers = build_providers(env)
    assert providers is not None
    try:
        assert (providers.exports_traces, providers.exports_metrics) == (True, False)
    finally:
        providers.shutdown()


def test_prometheus_is_off_by_default_and_on_when_asked_for():
    assert load_settings({}).prometheus is None
    assert load_settings({"OTEL_METRICS_EXPORTER": "otlp"}).prometheus is None

    asked = load_settings({"OTEL_METRICS_EXPORTER": "otlp,prometheus"})
    assert asked.prometheus == PrometheusEndpoint(host="localhost", port=9464)
    placed = load_settings(
        {
            "OTEL_METRICS_EXPORTER": "prometheus",
            "OTEL_EXPORTER_PROMETHEUS_HOST": "0.0.0.0",
            "OTEL_EXPORTER_PROMETHEUS_PORT": "9100",
        }
    )
    assert placed.prometheus == PrometheusEndpoint(host="0.0.0.0", port=9100)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OTEL_METRICS_EXPORTER": "prometeus"}, "OTEL_METRICS_EXPORTER takes a list of"),
        (
            {"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT": "70000"},
            "OTEL_EXPORTER_PROMETHEUS_PORT must be 1–65535",
        ),
        (
            {"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT": "x"},
            "OTEL_EXPORTER_PROMETHEUS_PORT must be an integer",
        ),
        (
            {"OTEL_METRICS_EXPORTER": "prometheus", "OTEL_EXPORTER_PROMETHEUS_PORT": "8000"},
            "must differ from SERVICE_PORT",
        ),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL must be one of debug, info, warning"),
    ],
)
def test_a_telemetry_setting_it_cannot_mean_stops_the_start(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(env)


@pytest.mark.parametrize(
    ("raw", "level"),
    [(None, logging.INFO), ("debug", logging.DEBUG), (" WARNING ", logging.WARNING)],
)
def test_the_log_level_is_a_setting(raw, level):
    env = {} if raw is None else {"LOG_LEVEL": raw}
    assert load_settings(env).log_level == level
