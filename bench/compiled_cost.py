"""In-process cost of W1 (a case manager's 50 cases) on the compiled path and on the generic
path (issue 17): the same requests through two apps on one scratch database, over ASGI (no
sockets), interleaved in rounds so that load from other processes falls on both alike. Also
asserts that both answered byte for byte alike, as the differential test does.

    .venv/bin/python -m bench.compiled_cost [--requests 200] [--rounds 5]

Uses the test server in .data/test/ (or DATABASE_URL's); makes and drops its own database.
Prints the median wall time per request and the CPU the app spent per request on each path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import workloads
from bench.datagen import Sizes, connect_kwargs, generate
from bench.inprocess import send, service_env
from service.app import create_app
from service.db.admin import drop_database, ensure_database
from service.db.embedded import start_embedded_server
from service.db.migrate import upgrade_to_head
from service.db.urls import as_asyncpg
from service.runtime import start_runtime
from service.settings import load_settings
from service.web.serving import settle_the_heap
from service.web.trusted_documents import register

REPO = Path(__file__).resolve().parents[1]
# Enough clients that the bench's case manager has a full page of 50 (bench/datagen.py).
SIZES = Sizes(
    tenants=2,
    clients=2_000,
    referrals=200,
    consents=300,
    audit=1_000,
    subject_records=20,
    partners=3,
    assessment_per_case=3,
)


class _Timed:
    """The app, with the process CPU spent inside it: what the client and httpx's in-process
    transport spend is left out, since a served process would not pay it."""

    def __init__(self, app) -> None:
        self.app = app
        self.cpu = 0.0

    async def __call__(self, scope, receive, send) -> None:
        started = time.process_time()
        try:
            await self.app(scope, receive, send)
        finally:
            self.cpu += time.process_time() - started


@asynccontextmanager
async def _app(env: dict[str, str]) -> AsyncIterator[tuple[httpx.AsyncClient, _Timed]]:
    settings = load_settings(env)
    runtime = await start_runtime(settings)
    try:
        timed = _Timed(create_app(settings, runtime))
        transport = httpx.ASGITransport(app=timed)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            yield http, timed
    finally:
        await runtime.close()


async def _round(served: tuple[httpx.AsyncClient, _Timed], request, count: int):
    """Median wall milliseconds per request, and the app's CPU milliseconds per request."""
    http, timed = served
    walls = []
    cpu = timed.cpu
    for _ in range(count):
        started = time.perf_counter()
        response = await send(http, request)
        walls.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(walls), (timed.cpu - cpu) * 1000 / count


async def measure(requests: int, rounds: int) -> None:
    server = (
        as_asyncpg(os.environ["DATABASE_URL"])
        if os.environ.get("DATABASE_URL")
        else start_embedded_server(REPO / ".data" / "test" / "pg")
    )
    name = f"casework_compiled_cost_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    try:
        await upgrade_to_head(url)
        await generate(connect_kwargs(url), SIZES, now=datetime.now(UTC), say=lambda _: None)
        with tempfile.TemporaryDirectory() as scratch:
            await _compare(url, Path(scratch), requests, rounds)
    finally:
        await drop_database(server, name)


async def _compare(url, data_dir: Path, requests: int, rounds: int) -> None:
    key = workloads.bench_key(data_dir)
    public = workloads.write_public_key(key, data_dir / "bench-idp-public.pem")
    files = []
    for name, text in (
        ("case-list", workloads.CASE_LIST),
        ("referrals", workloads.PARTNER_REFERRALS),
    ):
        files.append(data_dir / f"{name}.graphql")
        files[-1].write_text(text)
    manifest = data_dir / "trusted-documents.json"
    register(manifest, files)
    env = {**service_env(url, public, data_dir), "TRUSTED_DOCUMENTS_FILE": str(manifest)}
    async with (
        _app({**env, "TRUSTED_DOCUMENTS": "all"}) as compiled,
        _app({**env, "TRUSTED_DOCUMENTS": "off"}) as generic,
    ):
        # As each served process does once started: without it the collector ran under these
        # requests (8 % of an in-process W1's samples) as it does not when served.
        settle_the_heap()
        for workload, root in ((workloads.w1(key, 50), "cases"), (workloads.w2(key), "referrals")):
            (request,) = workload.requests
            one, other = await send(compiled[0], request), await send(generic[0], request)
            assert one.content == other.content, "the paths answered differently"
            body = json.loads(one.content)
            print(
                f"{workload.name}: {len(body['data'][root]['edges'])} objects a response, "
                f"{len(body.get('errors', []))} refused fields, {rounds} rounds × {requests}"
                " requests, in-process"
            )
            await _compare_paths(compiled, generic, request, requests, rounds)


async def _compare_paths(compiled, generic, request, requests: int, rounds: int) -> None:
    results: dict[str, list[tuple[float, float]]] = {"compiled": [], "generic": []}
    for _ in range(rounds):
        for label, served in (("compiled", compiled), ("generic", generic)):
            await _round(served, request, 10)  # warm: pools, caches
            results[label].append(await _round(served, request, requests))
    for label, measured in results.items():
        wall = statistics.median(m[0] for m in measured)
        cpu = statistics.median(m[1] for m in measured)
        print(f"  {label:9} median {wall:6.2f} ms a request, app CPU {cpu:6.2f} ms a request")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(measure(arguments.requests, arguments.rounds))


if __name__ == "__main__":
    main()
