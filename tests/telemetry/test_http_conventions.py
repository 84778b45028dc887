"""The HTTP request as an operations team reads it: semantic-convention attributes on the span
and the metrics, duration buckets in seconds, the request id kept or made, and the access line
inside the request's trace."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator

import pytest

from service.demo.tokens import mint_demo_token
from service.telemetry import names
from service.telemetry.logging import JsonFormatter
from tests.graphql import post_graphql

ME = "query Me { me { subject } }"


def _server_span(telemetry, route: str):
    (span,) = [span for span in telemetry.spans() if span.name.endswith(f" {route}")]
    return span


@pytest.fixture
def access_lines() -> Iterator[io.StringIO]:
    """The access logger's lines as `service serve` writes them (JSON, one a line)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("service.access")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


async def test_the_request_span_carries_the_http_conventions_without_the_query_string(
    client, telemetry
):
    response = await client.post("/graphql?client=4711&name=Modemann", json={"query": ME})

    assert response.status_code == 401
    span = _server_span(telemetry, "/graphql")
    assert span.name == "POST /graphql"
    assert {key: span.attributes[key] for key in (
        names.HTTP_METHOD, names.URL_SCHEME, names.URL_PATH, names.HTTP_ROUTE,
        names.HTTP_STATUS, names.NETWORK_PROTOCOL_VERSION,
    )} == {
        "http.request.method": "POST",
        "url.scheme": "http",
        "url.path": "/graphql",
        "http.route": "/graphql",
        "http.response.status_code": 401,
        "network.protocol.version": "1.1",
    }  # fmt: skip
    assert names.ERROR_TYPE not in span.attributes  # a 4xx is the client's, not the server's
    assert not any("4711" in str(value) or "Modemann" in str(value) for value in (
        *span.attributes.values(), *(a for p in telemetry.points().get(
            names.METRIC_HTTP_DURATION, ()) for a in p.attributes.values()),
    ))  # fmt: skip


async def test_the_duration_metric_has_the_conventions_attributes_but_no_path(client, telemetry):
    await client.get("/auskunft/9b2f0c1e-0000-4000-8000-000000000001")

    (point,) = telemetry.points()[names.METRIC_HTTP_DURATION]
    assert dict(point.attributes) == {
        "http.request.method": "GET",
        "http.route": "/auskunft/{client_id}",
        "url.scheme": "http",
        "network.protocol.version": "1.1",
        "http.response.status_code": 401,
    }


async def test_durations_are_counted_in_buckets_of_seconds(dev_client, dev_settings, telemetry):
    token = await mint_demo_token(dev_settings, "fm.koenigstein", tenant_slug=None, lifetime=300)

    response = await post_graphql(dev_client, ME, headers={"Authorization": f"Bearer {token}"})

    assert response.json()["data"]["me"]["subject"] == "fm.koenigstein"
    points = telemetry.points()
    for metric in (names.METRIC_HTTP_DURATION, names.METRIC_GRAPHQL_DURATION):
        (point,) = points[metric]
        assert tuple(point.explicit_bounds) == (
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
        )  # fmt: skip
        assert point.count == 1 and 0 < point.sum < 10


async def test_an_unknown_method_is_reported_as_other(client, telemetry):
    response = await client.request("PROPFIND", "/graphql")

    assert response.status_code == 405
    span = _server_span(telemetry, "/graphql")
    assert span.attributes[names.HTTP_METHOD] == "_OTHER"
    assert span.attributes[names.HTTP_METHOD_ORIGINAL] == "PROPFIND"


async def test_the_access_line_carries_the_trace_and_span_of_its_request(
    client, telemetry, access_lines
):
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    await client.post("/graphql", json={"query": ME}, headers={"traceparent": traceparent})

    (line,) = access_lines.getvalue().splitlines()
    entry = json.loads(line)
    span = _server_span(telemetry, "/graphql")
    assert entry["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert entry["span_id"] == format(span.context.span_id, "016x")
    assert (entry["method"], entry["route"], entry["status"]) == ("POST", "/graphql", 401)


@pytest.mark.parametrize("sent", [uuid.uuid4().hex, str(uuid.uuid4()), str(uuid.uuid4()).upper()])
async def test_a_well_formed_request_id_is_kept_and_echoed(client, access_lines, sent):
    response = await client.post("/graphql", json={"query": ME}, headers={"X-Request-Id": sent})

    assert response.headers["x-request-id"] == sent
    assert json.loads(access_lines.getvalue())["request_id"] == sent


@pytest.mark.parametrize(
    "sent",
    [
        "",
        "abc",
        "0" * 33,
        uuid.uuid4().hex + "-extra",
        "Michael Modemann",
        '"><script>alert(1)</script>',
        "a" * 10_000,
    ],
)
async def test_a_malformed_request_id_is_replaced_by_a_new_one(client, access_lines, sent):
    response = await client.post("/graphql", json={"query": ME}, headers={"X-Request-Id": sent})

    echoed = response.headers["x-request-id"]
    assert echoed != sent
    assert uuid.UUID(echoed).hex == echoed
    assert json.loads(access_lines.getvalue())["request_id"] == echoed
