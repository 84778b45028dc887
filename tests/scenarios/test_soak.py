"""Soak and shutdown, against the running service on loopback.

Concurrent readers and writers for a bounded time (SOAK_SECONDS, default 4; `make test-all`
runs longer); afterwards every acknowledged write is there, no answer was a 5xx, and the audit
log holds exactly the field reads the responses carried. On SIGTERM, requests in flight finish
and their reads are recorded.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from datetime import date

import httpx
import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.demo.seed import demo_id
from tests.served import served_demo

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "4"))
CONCURRENCY = 8
READ = """
query SoakRead {
  referrals(first: 20) {
    edges { node { purpose status client { givenName familyName householdSize } } }
  }
}
"""
WRITE = """
mutation SoakWrite($id: ID!, $text: String!, $on: Date!) {
  reportProgress(input: {referralId: $id, reportedOn: $on, attendance: ATTENDED, text: $text}) {
    errors { code }
  }
}
"""
DEBT_REFERRAL = str(
    demo_id(
        "jc-hamburg-mitte",
        str(demo_id("jc-hamburg-mitte", "kunde.modemann")),
        "schuldnerberatung-west",
    )
)


def _fields_read(body: dict) -> int:
    """Personal fields the response carried: every field present that is not refused."""
    refused = {tuple(error["path"]) for error in body.get("errors", []) if "path" in error}
    count = 0
    for position, edge in enumerate(body["data"]["referrals"]["edges"]):
        node = edge["node"]
        base = ("referrals", "edges", position, "node")
        count += sum(1 for f in ("purpose", "status") if (*base, f) not in refused)
        count += sum(1 for f in node["client"] if (*base, "client", f) not in refused)
    return count


async def _recorded_reads(database, request_ids: list[str]) -> int:
    engine = create_async_engine(database, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        total = await conn.scalar(
            text(
                "SELECT coalesce(sum(cardinality(fields)), 0) FROM audit_records"
                " WHERE action = 'read' AND request_id = ANY(CAST(:ids AS uuid[]))"
            ),
            {"ids": request_ids},
        )
    await engine.dispose()
    return int(total)


async def _count_reports(database, marker: str) -> int:
    engine = create_async_engine(database, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        found = await conn.scalar(
            text("SELECT count(*) FROM progress_reports WHERE text LIKE :m"), {"m": f"{marker}%"}
        )
    await engine.dispose()
    return int(found)


def test_soak_loses_no_write_and_records_exactly_what_was_read(server_url, tmp_path):
    with served_demo(server_url, tmp_path) as served:
        partner = {"Authorization": f"Bearer {served.token('sb.schmied')}"}
        results = asyncio.run(_soak(served.base, partner))
        statuses, read_ids, fields_returned, acknowledged = results
        recorded = asyncio.run(_recorded_reads(served.database, read_ids))
        stored = asyncio.run(_count_reports(served.database, "Soak "))

    assert statuses and all(status < 500 for status in statuses)
    assert len(read_ids) > 10 and acknowledged > 5
    assert stored == acknowledged
    assert recorded == fields_returned


async def _soak(base: str, headers: dict[str, str]):
    statuses: list[int] = []
    read_ids: list[str] = []
    fields = 0
    acknowledged = 0
    deadline = time.monotonic() + SOAK_SECONDS

    async def worker(number: int, http: httpx.AsyncClient) -> None:
        nonlocal fields, acknowledged
        sequence = 0
        while time.monotonic() < deadline:
            sequence += 1
            if number % 3 == 0:
                body = {
                    "query": WRITE,
                    "variables": {
                        "id": DEBT_REFERRAL,
                        "text": f"Soak {number}-{sequence}",
                        "on": date.today().isoformat(),
                    },
                }
                response = await http.post("/graphql", json=body, headers=headers)
                statuses.append(response.status_code)
                payload = response.json()
                assert payload.get("data"), payload
                if not payload["data"]["reportProgress"]["errors"]:
                    acknowledged += 1
            else:
                response = await http.post("/graphql", json={"query": READ}, headers=headers)
                statuses.append(response.status_code)
                if response.status_code == 200:
                    read_ids.append(response.headers["x-request-id"])
                    fields += _fields_read(response.json())

    async with httpx.AsyncClient(base_url=base, timeout=20) as http:
        await asyncio.gather(*(worker(n, http) for n in range(CONCURRENCY)))
    return statuses, read_ids, fields, acknowledged


def test_sigterm_lets_requests_in_flight_finish_and_be_recorded(server_url, tmp_path):
    with served_demo(server_url, tmp_path) as served:
        headers = {"Authorization": f"Bearer {served.token('sb.schmied')}"}
        answered = asyncio.run(_terminate_under_load(served, headers))
        served.process.wait(timeout=15)
        recorded = asyncio.run(
            _recorded_reads(served.database, [request_id for request_id, _ in answered])
        )

    # All 24 were sent before the signal; graceful shutdown lets every one of them finish.
    assert len(answered) == 24
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    # 143 (128 + 15): the exit a TERM now takes so exit hooks run (service/db/embedded.py).
    assert served.process.returncode in (0, -signal.SIGTERM, 128 + signal.SIGTERM)
    assert recorded == sum(fields for _, fields in answered)


async def _terminate_under_load(served, headers):
    answered: list[tuple[str, int]] = []

    async def one(http: httpx.AsyncClient) -> None:
        try:
            response = await http.post("/graphql", json={"query": READ}, headers=headers)
        except httpx.TransportError:
            return  # arrived after the server stopped accepting: refused, never answered
        if response.status_code == 200:
            answered.append((response.headers["x-request-id"], _fields_read(response.json())))

    async with httpx.AsyncClient(base_url=served.base, timeout=20) as http:
        requests = [asyncio.create_task(one(http)) for _ in range(24)]
        # Signal once the first answer is back: the other requests are in flight by then.
        await asyncio.wait(requests, return_when=asyncio.FIRST_COMPLETED)
        served.process.send_signal(signal.SIGTERM)
        await asyncio.gather(*requests)
    return answered


pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
