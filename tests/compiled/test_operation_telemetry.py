"""A registered document that runs compiled is observed as it would be on the generic path: one
operation span with the same name and attributes, and one point on the operation metrics, so an
operations team's dashboards count every request however it ran."""

from __future__ import annotations

from service.telemetry import names
from tests.compiled.corpus import CASE_LIST
from tests.telemetry.conftest import telemetry  # noqa: F401 (the in-memory providers)


def _operation_spans(recorded):
    return [span for span in recorded.spans() if span.name.startswith("query ")]


async def test_a_compiled_request_is_one_operation_span_and_metric_point_like_a_generic_one(
    compiled_http,
    generic_http,
    tokens,
    case_list_world,
    telemetry,  # noqa: F811
):
    headers = tokens.headers(case_list_world.case_manager)
    body = {"query": CASE_LIST, "variables": {"first": 50}}

    compiled = await compiled_http.post("/graphql", json=body, headers=headers)
    (compiled_span,) = _operation_spans(telemetry)
    generic = await generic_http.post("/graphql", json=body, headers=headers)

    assert compiled.content == generic.content
    assert len(compiled.json()["data"]["cases"]["edges"]) > 1
    first, second = _operation_spans(telemetry)
    assert first is compiled_span
    assert compiled_span.name == second.name == "query CaseList"
    assert dict(compiled_span.attributes) == dict(second.attributes)
    assert compiled_span.attributes[names.FIELDS_READ] > 0
    points = telemetry.points()
    (counted,) = points[names.METRIC_GRAPHQL_OPERATIONS]
    assert counted.value == 2
    assert counted.attributes[names.GRAPHQL_OPERATION_NAME] == "CaseList"
    (timed,) = points[names.METRIC_GRAPHQL_DURATION]
    assert timed.count == 2
