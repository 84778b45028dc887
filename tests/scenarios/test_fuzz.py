"""Fuzzing the running service (schemathesis' GraphQL support) with a staff and a partner token:
every query and mutation of schema.graphql, with generated arguments and selections. No answer
may be a 5xx, and none may carry another jobcenter's client or a client the partner has no
consent for. Bounded: a few examples per operation, on a database of its own (mutations run).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from service.db.admin import drop_database, ensure_database
from service.db.migrate import upgrade_to_head
from service.demo.seed import seed_demo
from service.demo.tokens import mint_demo_token
from service.settings import load_settings

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"
EXAMPLES_PER_OPERATION = 4
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def fuzz_service(server_url, tmp_path_factory):
    """`service serve` in development mode on a fresh, seeded database of its own."""
    name = f"casework_fuzz_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(_prepare(server_url, name))
    data_dir = tmp_path_factory.mktemp("fuzz")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOKEN_")}
    env.update(
        DATABASE_URL=url.render_as_string(hide_password=False),
        SERVICE_DEV_MODE="true",
        SERVICE_DATA_DIR=str(data_dir),
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, server)
        settings_ = load_settings(env)
        tokens = {
            user: asyncio.run(mint_demo_token(settings_, user, tenant_slug=None, lifetime=600))
            for user in NEVER_SEEN
        }
        yield base, tokens
    finally:
        server.terminate()
        server.wait(timeout=10)
        asyncio.run(drop_database(server_url, name))


async def _prepare(server_url, name):
    url = await ensure_database(server_url, name)
    await upgrade_to_head(url)
    await seed_demo(url)
    return url


def _wait_ready(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "service exited"
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("service did not become ready")


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
