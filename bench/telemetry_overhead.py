"""Measure what telemetry costs a typical request, in process: N requests of the debt
counsellor's referral list through httpx.ASGITransport, without telemetry and with the SDK
configured (in-memory span exporter, in-memory metric reader), alternating rounds.

    .venv/bin/python bench/telemetry_overhead.py [--requests 200] [--rounds 3]

Uses DATABASE_URL's server, or the embedded one in .data/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from service.app import create_app
from service.db.admin import drop_database, ensure_database
from service.db.embedded import start_embedded_server
from service.db.migrate import upgrade_to_head
from service.db.urls import as_asyncpg
from service.demo.seed import seed_demo
from service.demo.tokens import mint_demo_token
from service.runtime import start_runtime
from service.settings import load_settings
from service.telemetry import instruments

BENCH_PG = Path(__file__).resolve().parents[1] / ".data" / "bench" / "pg"
QUERY = """query MeineZuweisungen { referrals(first: 50) { edges { node {
  id status serviceCategory purpose client { id givenName familyName householdSize } } } } }"""


async def _round(http, token: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = await http.post(
            "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
    return (time.perf_counter() - started) / requests * 1000


async def main(requests: int, rounds: int) -> None:
    server = (
        as_asyncpg(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_URL")
        else start_embedded_server(BENCH_PG)
    )
    name = f"casework_bench_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    try:
        await upgrade_to_head(url)
        await seed_demo(url)
        settings = dataclasses.replace(
            load_settings(
                {
                    "DATABASE_URL": url.render_as_string(hide_password=False),
                    "SERVICE_DEV_MODE": "true",
                }
            ),
            data_dir=Path(tempfile.mkdtemp()),
        )
        runtime = await start_runtime(settings)
        token = await mint_demo_token(settings, "sb.schmied", tenant_slug=None, lifetime=3600)
        transport = httpx.ASGITransport(app=create_app(settings, runtime))
        off, unsampled, on, spans = [], [], [], 0
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            await _round(http, token, 20)  # warm caches and the pool
            for _ in range(rounds):
                instruments.reset()
                off.append(await _round(http, token, requests))
                # SDK on, trace not sampled: metrics only, and the schema without resolver spans.
                quiet = TracerProvider(sampler=ALWAYS_OFF)
                instruments.activate(quiet, MeterProvider([InMemoryMetricReader()]))
                unsampled.append(await _round(http, token, requests))
                exporter = InMemorySpanExporter()
                tracer_provider = TracerProvider()
                tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
                instruments.activate(tracer_provider, MeterProvider([InMemoryMetricReader()]))
                on.append(await _round(http, token, requests))
                spans = len(exporter.get_finished_spans()) // requests
        instruments.reset()
        await runtime.close()
        off_ms, on_ms = statistics.median(off), statistics.median(on)
        quiet_ms = statistics.median(unsampled)
        print(f"{requests} requests × {rounds} rounds, referral list of the debt counsellor")
        print(f"without telemetry: {off_ms:.2f} ms/request (rounds: {[round(x, 2) for x in off]})")
        print(
            f"SDK, not sampled: {quiet_ms:.2f} ms/request ({(quiet_ms / off_ms - 1) * 100:+.1f} %)"
        )
        print(
            f"sampled, with resolver spans: {on_ms:.2f} ms/request (rounds: {[round(x, 2) for x in on]})"
        )
        print(f"overhead: {on_ms - off_ms:+.2f} ms ({(on_ms / off_ms - 1) * 100:+.1f} %)")
        print(f"spans per request: {spans}")
    finally:
        await drop_database(server, name)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.rounds))
