"""A seconds-long smoke of the benchmark (bench/, issue 8): the generator at a tiny scale into a
scratch database of the test server, then each workload's requests in-process over ASGI (no wrk,
no npm). It checks that the harness works, not how fast anything is."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from bench import workloads
from bench.datagen import Sizes, counts, generate
from bench.inprocess import send, service_client
from bench.targets import register_documents
from service.db.admin import drop_database, ensure_database
from service.db.migrate import upgrade_to_head

TINY = Sizes(
    tenants=2,
    clients=40,
    referrals=60,
    consents=100,
    audit=400,
    subject_records=20,
    partners=3,
    assessment_per_case=3,
)


@pytest.fixture(scope="module")
async def bench_db(server_url):
    name = f"casework_bench_smoke_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server_url, name)
    try:
        await upgrade_to_head(url)
        yield url
    finally:
        await drop_database(server_url, name)


async def test_generator_and_workloads(bench_db, tmp_path):
    now = datetime.now(UTC)
    conn = {
        "user": bench_db.username,
        "database": bench_db.database,
        "host": bench_db.query.get("host"),
        "port": bench_db.port,
        "password": bench_db.password,
    }
    await generate(conn, TINY, now=now, say=lambda _: None)
    rows = await counts(conn)
    assert rows["clients"] == 40 and rows["cases"] == 40
    assert rows["referrals"] == 60 and rows["consents"] == 100
    assert rows["audit_entries"] == 400 and rows["audit_requests"] == 40
    assert rows["assessment_entries"] == 120

    async with service_client(bench_db, tmp_path) as http:
        key = workloads.bench_key(tmp_path)
        checks = [
            (workloads.w1(key, 10), "cases"),
            (workloads.w2(key), "referrals"),
            (workloads.w3(key, TINY, now, count=2), None),
            (workloads.w4(key, now), "accessReport"),
        ]
        for workload, field in checks:
            for request in workload.requests[:4]:
                response = await send(http, request)
                assert response.status_code == 200, response.text
                body = response.json()
                assert body.get("data"), body
                if field is not None:
                    assert body["data"][field], body
                else:  # writes: no refusal in the payload
                    (payload,) = body["data"].values()
                    assert payload["errors"] == [], payload
        cases = (await send(http, workloads.w1(key, 10).requests[0])).json()
        assert len(cases["data"]["cases"]["edges"]) >= 5
        generic = [(await send(http, w.requests[0])).json() for w in _reads(key)]

    # The bench's "service (compiled)": only registered documents run, the same answers.
    manifest = str(register_documents(tmp_path))
    trusted = {"TRUSTED_DOCUMENTS": "all", "TRUSTED_DOCUMENTS_FILE": manifest}
    async with service_client(bench_db, tmp_path, **trusted) as http:
        registered = [(await send(http, w.requests[0])).json() for w in _reads(key)]
        write = (await send(http, workloads.w3(key, TINY, now, count=1).requests[0])).json()
        report = (await send(http, workloads.w4(key, now).requests[0])).json()
    assert registered == generic
    assert next(iter(write["data"].values()))["errors"] == []
    assert report["data"]["accessReport"], report


def _reads(key):
    # The Auskunft (W4) is left out: it reads the audit log the reads before it wrote.
    return [workloads.w1(key, 10), workloads.w2(key)]
