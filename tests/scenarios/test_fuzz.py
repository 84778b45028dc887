"""Fuzzing the running service (schemathesis' GraphQL support) with a staff and a partner token:
every query and mutation of schema.graphql, with generated arguments and selections. No answer
may be a 5xx, and none may carry another jobcenter's client or a client the partner has no
consent for. Bounded: a few examples per operation, on a database of its own (mutations run).
"""

from __future__ import annotations

import os
from datetime import UTC
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from tests.served import served_demo

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# Family names of the demo clients that each fuzzing actor must never see.
NEVER_SEEN = {
    # fm.koenigstein works in jc-hamburg-mitte: jc-musterstadt's clients are another tenant's.
    "fm.koenigstein": ("Mustermann", "Leerzeile"),
    # sb.schmied may see Michael Modemann under his consent; Erika Musterfrau revoked hers, and
    # the others were never referred to the debt counsellor.
    "sb.schmied": ("Musterfrau", "Beispiel", "Platzhalter", "Mustermann", "Leerzeile"),
}

# Our custom scalars, as GraphQL literals (ISO 8601 strings; JSON as a string value).
schemathesis.graphql.scalar("Date", st.dates().map(lambda d: nodes.String(d.isoformat())))
schemathesis.graphql.scalar(
    "DateTime",
    st.datetimes(timezones=st.just(UTC)).map(lambda d: nodes.String(d.isoformat())),
)
schemathesis.graphql.scalar("JSON", st.text(max_size=20).map(nodes.String))


@pytest.fixture(scope="module")
def fuzz_service(server_url, tmp_path_factory):
    with served_demo(server_url, tmp_path_factory.mktemp("fuzz")) as served:
        yield served.base, {user: served.token(user) for user in NEVER_SEEN}


def test_fuzzed_operations_never_fail_or_leak(fuzz_service):
    base, tokens = fuzz_service
    schema = schemathesis.graphql.from_path(SCHEMA_FILE)
    operations = [result.ok() for result in schema.get_all_operations()]
    checked = 0
    with httpx.Client(base_url=base, timeout=10) as http:
        for operation in operations:
            for user, forbidden_names in NEVER_SEEN.items():
                _fuzz(http, operation, tokens[user], user, forbidden_names)
                checked += 1
    assert checked == 2 * len(operations) > 60


def _fuzz(http: httpx.Client, operation, token: str, user: str, forbidden_names) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case) -> None:
        response = http.post(
            "/graphql", json={"query": case.body}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code < 500, (user, case.body, response.text[:300])
        for name in forbidden_names:
            assert name not in response.text, (user, case.body)

    check()
