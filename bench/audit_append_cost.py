"""What one audit append costs, and how big group commit's batches get (issue 17).

    .venv/bin/python bench/audit_append_cost.py [--rounds 200] [--before e028570] [--clients 16]

1. µs per `audit_append` call for a W1-sized request (50 objects × 12 fields): the function as
   it was at `--before` (read from git and installed beside today's in the schema
   `bench_before`: the jsonb form, or typed arrays of the same signature, called on a
   connection whose search_path finds it first) against today's, interleaved, each into its
   own jobcenter's chain; the Python side (building the argument) timed apart.
2. The group-commit batch sizes with `--clients` concurrent clients in this process, each
   sending the demo case manager's case list (W1's document) over the ASGI app, the demo data
   seeded into a scratch database.

Uses DATABASE_URL's server, or the embedded one in .data/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.workloads import CASE_LIST
from service.app import create_app
from service.audit.event import AuditAction, AuditEvent, encode
from service.audit.recorder import append
from service.db.admin import drop_database, ensure_database
from service.db.embedded import start_embedded_server
from service.db.migrate import upgrade_to_head
from service.db.sql_files import sql_statements
from service.db.urls import as_asyncpg
from service.demo.tokens import mint_demo_token
from service.runtime import start_runtime
from service.settings import load_settings

OBJECTS = 50
FIELDS = tuple(f"field{n:02d}" for n in range(12))
JSONB_APPEND = text("SELECT bench_before.audit_append(CAST(:e AS jsonb))")
BEFORE = "bench_before"


def request_events(tenant_id: uuid.UUID) -> list[AuditEvent]:
    request, now = uuid.uuid4(), datetime.now(UTC)
    return [
        AuditEvent(
            tenant_id=tenant_id,
            occurred_at=now,
            request_id=request,
            operation="CaseList",
            action=AuditAction.READ,
            actor_kind="staff",
            actor_id=uuid.UUID(int=7),
            actor_organisation_id=None,
            subject_id=(subject := uuid.uuid4()),
            object_type="case",
            object_id=subject if n % 2 else uuid.uuid4(),
            fields=FIELDS,
            basis="responsible_case_manager",
        )
        for n in range(OBJECTS)
    ]


def jsonb_encode(events: list[AuditEvent]) -> str:
    """The argument of the jsonb form, as service/audit/event.py built it before."""
    return orjson.dumps(events, default=str).decode()


def before_form(old: str) -> str:
    """The function at --before, in the schema BEFORE; "jsonb" or "arrays" (its form)."""
    return "jsonb" if "audit_append(events jsonb)" in old else "arrays"


async def measure_append(server, old: str, rounds: int) -> dict[str, float]:
    name = f"casework_append_bench_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    engine = create_async_engine(url, poolclass=pool.NullPool)
    before_engine = create_async_engine(
        url,
        poolclass=pool.NullPool,
        connect_args={"server_settings": {"search_path": f"{BEFORE}, public"}},
    )
    old_kind = before_form(old)
    try:
        await upgrade_to_head(url)
        old_form, new_form = uuid.uuid4(), uuid.uuid4()
        async with engine.begin() as conn:
            await conn.execute(text(f"CREATE SCHEMA {BEFORE}"))
            await conn.execute(text(f"GRANT USAGE ON SCHEMA {BEFORE} TO casework_app"))
            for statement in sql_statements(old):
                qualified = statement.replace(
                    "FUNCTION audit_append(", f"FUNCTION {BEFORE}.audit_append("
                )
                await conn.execute(text(qualified))
            for tenant in (old_form, new_form):
                await conn.execute(
                    text("INSERT INTO tenants (id, slug, name) VALUES (:t, :s, 'Bench')"),
                    {"t": tenant, "s": f"jc-{tenant.hex[:8]}"},
                )
        timings: dict[str, list[float]] = {
            "before": [],
            "today": [],
            "py_before": [],
            "py_today": [],
        }
        async with engine.connect() as today, before_engine.connect() as before:
            forms = (("before", old_form, before), ("today", new_form, today))
            for n in range(rounds + 10):  # the first ten make lanes and codes
                for form, tenant, conn in forms if n % 2 else reversed(forms):  # neither first
                    events = request_events(tenant)
                    started = time.perf_counter()
                    if form == "before" and old_kind == "jsonb":
                        argument = jsonb_encode(events)
                        encoded = time.perf_counter()
                        await conn.execute(JSONB_APPEND, {"e": argument})
                    else:
                        encode([events])
                        encoded = time.perf_counter()
                        await append(conn, events)
                    done = time.perf_counter()
                    await conn.commit()
                    if n >= 10:
                        timings[f"py_{form}"].append(encoded - started)
                        timings[form].append(done - started)
    finally:
        await engine.dispose()
        await before_engine.dispose()
        await drop_database(server, name)
    return {form: statistics.median(values) * 1e6 for form, values in timings.items()}


async def measure_batches(server, clients: int, requests_each: int) -> dict:
    name = f"casework_batch_bench_{uuid.uuid4().hex[:8]}"
    url = await ensure_database(server, name)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = load_settings(
            {
                "DATABASE_URL": url.render_as_string(hide_password=False),
                "SERVICE_DEV_MODE": "true",
                "SERVICE_DATA_DIR": data_dir,
                "DB_POOL_SIZE": str(clients + 2),
            }
        )
        runtime = await start_runtime(settings)  # migrates and seeds the demo (development)
        try:
            token = await mint_demo_token(
                settings, "fm.koenigstein", tenant_slug=None, lifetime=3600
            )
            body = {"query": CASE_LIST, "operationName": "CaseList", "variables": {"first": 50}}
            transport = httpx.ASGITransport(app=create_app(settings, runtime))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

                async def one_client() -> None:
                    for _ in range(requests_each):
                        response = await http.post(
                            "/graphql", json=body, headers={"Authorization": f"Bearer {token}"}
                        )
                        assert response.status_code == 200, response.text

                started = time.perf_counter()
                await asyncio.gather(*(one_client() for _ in range(clients)))
                elapsed = time.perf_counter() - started
            counts = runtime.group_commit.counts
        finally:
            await runtime.close()
            await drop_database(server, name)
    requests = sum(size * n for size, n in counts.sizes.items())
    return {
        "requests": requests,
        "batches": counts.committed,
        "failed": counts.failed,
        "mean": requests / counts.committed,
        "sizes": dict(sorted(counts.sizes.items())),
        "req_per_s": requests / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--before", default="e028570", help="a commit (e028570: the jsonb form)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--append-only", action="store_true", help="skip the group commit (2.)")
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        server = as_asyncpg(os.environ["DATABASE_URL"])
    else:
        server = start_embedded_server(Path(".data/bench/pg"))
    old = subprocess.run(
        ["git", "show", f"{args.before}:migrations/sql/functions/audit_append.sql"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cost = asyncio.run(measure_append(server, old, args.rounds))
    print(f"append of {OBJECTS} objects × {len(FIELDS)} fields, median of {args.rounds}:")
    for form, label in (("before", f"{args.before} ({before_form(old)})"), ("today", "today")):
        print(
            f"  {label}: {cost[form]:.0f} µs a call (of it Python building the argument"
            f" {cost['py_' + form]:.0f} µs)"
        )
    print(f"  today ÷ before: {cost['today'] / cost['before']:.2f}")
    if args.append_only:
        return
    batches = asyncio.run(measure_batches(server, args.clients, args.requests))
    print(
        f"group commit, {args.clients} clients × {args.requests} case lists in-process:"
        f" {batches['requests']} requests in {batches['batches']} batches"
        f" (mean {batches['mean']:.1f}, failed {batches['failed']});"
        f" sizes {batches['sizes']}; {batches['req_per_s']:.0f} req/s"
    )


if __name__ == "__main__":
    main()
