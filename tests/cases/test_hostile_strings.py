"""Hostile strings into the mutations that store free text — NUL, lone surrogates, bidi and
invisible characters, 100,000 characters, JSON nested past the limit — never answer 5xx and
never store anything. Hypothesis draws the strings (a few examples in `make test`, more with
`FUZZ_EXAMPLES` in `make test-all`)."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cases.conftest import rows_of_case
from tests.cases.test_case_work import ADD_ENTRY, ADD_GOAL, admitted

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4")) * 5
REFUSED = "\x00\x01\x1b\x7f\x85\u202a\u202e\u2066\u2069\u200b\u2060\ufeff"
HOSTILE = st.one_of(
    st.builds(
        lambda head, bad, tail: head + bad + tail,
        st.text(max_size=20),
        st.sampled_from(REFUSED).flatmap(lambda c: st.text(alphabet=c, min_size=1, max_size=3)),
        st.text(max_size=20),
    ),
    st.just("x" * 100_000),
)
# (document, input without the hostile field, the field, the table it would land in)
MUTATIONS = [
    (ADD_GOAL, {}, "title", "plan_items"),
    (ADD_GOAL, {"title": "Ziel"}, "resources", "plan_items"),
    (
        ADD_ENTRY,
        {"kind": "STABILISATION_NEED", "subcategory": "DEBTS", "subject": "Schulden"},
        "detail",
        "assessment_entries",
    ),
]


async def test_hostile_strings_are_refused_and_nothing_is_stored(world, case_factories, owner_url):
    case_id = await admitted(world, case_factories)
    headers = world.tokens.headers(world.case_manager)
    answers: list[tuple[int, str, str]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mutation=st.sampled_from(MUTATIONS), hostile=HOSTILE)
    def draw(mutation, hostile) -> None:
        answers.append((mutation, hostile))

    draw()
    statuses = []
    for (document, base, field, _), hostile in answers:
        variables = {"input": {"caseId": case_id, **base, field: hostile}}
        response = await world.http.post(
            "/graphql", json={"query": document, "variables": variables}, headers=headers
        )
        statuses.append(response.status_code)
        assert response.status_code < 500, response.text[:300]
        body = response.json()
        codes = [e["extensions"]["code"] for e in body.get("errors") or ()]
        payload = next(iter((body.get("data") or {}).values()), None) or {}
        codes += [e["code"] for e in payload.get("errors") or ()]
        assert codes and set(codes) <= {"VALIDATION", "TOO_LONG", "INPUT_TOO_LARGE"}, body

    deep = {"a": json.loads("[" * 40 + "]" * 40)}
    nested = await world.http.post(
        "/graphql",
        json={"query": ADD_GOAL, "variables": {"input": {"caseId": case_id, **deep}}},
        headers=headers,
    )

    assert len(statuses) == EXAMPLES
    assert nested.status_code == 400
    for table in {table for *_, table in MUTATIONS}:
        assert await rows_of_case(owner_url, table, case_id) == 0
