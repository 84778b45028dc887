"""`make bench`: generate (or reuse) the data, start the service, the floor and the peer on
loopback, drive W1–W4 with wrk, profile W1 and W2, and print one table.

    python -m bench [--scale 1.0] [--seconds 10] [--concurrency 16,64] [--no-peer] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import load, peer, profile
from bench.datagen import Sizes, bench_id, counts, generate, history_window
from bench.inprocess import service_env
from bench.serve import round_trips
from bench.workloads import ISSUER, Workload, bench_key, w1, w2, w3, w4, write_public_key
from service.db.admin import drop_database, ensure_database
from service.db.embedded import start_embedded_server
from service.db.migrate import upgrade_to_head

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / ".data" / "bench" / "out"
SERVICE_PORT, FLOOR_PORT, PEER_PORT = 8101, 8102, 8103
# Round trips of the floor, counted in bench/floor.py: BEGIN, the statements, COMMIT, and the
# pool's reset on release.
FLOOR_ROUND_TRIPS = {"W1": 1 + 8 + 1 + 1, "W2": 1 + 10 + 1 + 1}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _conn_kwargs(url) -> dict:
    return {"user": url.username, "database": url.database, "host": url.query.get("host")}


async def prepare(args, sizes: Sizes, now: datetime):
    server = start_embedded_server(REPO / ".data" / "bench" / "pg")
    name = (
        "casework_bench" if args.scale == 1 else f"casework_bench_{args.scale:g}".replace(".", "_")
    )
    if args.fresh:
        await drop_database(server, name)
    url = await ensure_database(server, name)
    await upgrade_to_head(url)
    timings = await generate(_conn_kwargs(url), sizes, now=now, say=say)
    return server, url, timings, await counts(_conn_kwargs(url))


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


async def audit_size(url) -> tuple[int, int]:
    """(bytes, field reads) of the current month's audit partitions: only what the run wrote."""
    import asyncpg

    _, end = history_window(datetime.now(UTC))
    requests, entries = f"audit_requests_{end:%Y_%m}", f"audit_entries_{end:%Y_%m}"
    conn = await asyncpg.connect(**_conn_kwargs(url))
    try:
        size = await conn.fetchval(
            f"SELECT pg_total_relation_size('{requests}') + pg_total_relation_size('{entries}')"
        )
        fields = await conn.fetchval(
            f"SELECT coalesce(sum(bit_count(fields::bit(64))), 0) FROM {entries}"
        )
        return size, fields
    finally:
        await conn.close()


def stats() -> dict:
    return httpx.get(f"http://127.0.0.1:{SERVICE_PORT}/__bench/stats").json()


def _requests(workload: Workload, path: str = "/graphql") -> list[tuple[str, str, str]]:
    return [(path, r.token, r.json) for r in workload.requests]


def check(base: str, requests: list[tuple[str, str, str]], expect: str) -> None:
    """Every prepared request once: HTTP 200 with data (a wrong harness must not be timed)."""
    for path, token, body in requests[:4]:
        response = httpx.post(
            base + path,
            content=body,
            headers={"Authorization": f"Bearer {token}", "content-type": "application/json"},
            timeout=30,
        )
        data = response.json().get("data") if response.status_code == 200 else None
        if not data or expect not in response.text:
            raise RuntimeError(f"{base}{path}: {response.status_code} {response.text[:500]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="shrink every size by this")
    parser.add_argument("--seconds", type=int, default=10, help="per measured run")
    parser.add_argument("--concurrency", default="16,64")
    parser.add_argument("--profile-seconds", type=int, default=12)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="drop and regenerate the data")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    sizes = Sizes().scaled(args.scale)
    now = datetime.now(UTC)
    OUT.mkdir(parents=True, exist_ok=True)

    wrk = load.ensure_wrk(say)
    if not args.no_peer:
        peer.install(say)
    started = time.monotonic()
    server, url, timings, rows = asyncio.run(prepare(args, sizes, now))
    say(f"data: {rows}")
    socket_dir = url.query.get("host")
    data_dir = REPO / ".data" / "bench" / "run"
    data_dir.mkdir(parents=True, exist_ok=True)
    key = bench_key(data_dir)
    public = write_public_key(key, data_dir / "bench-idp-public.pem")

    env = {**os.environ, **service_env(url, public, data_dir), "PYTHONPATH": str(REPO)}
    env.pop("BENCH_LOG_SQL", None)
    procs: list[subprocess.Popen] = []
    service = subprocess.Popen(
        [sys.executable, "-m", "bench.serve", "--port", str(SERVICE_PORT)],
        env=env,
        cwd=REPO,
        stdout=(OUT / "service.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    procs.append(service)
    floor_env = {
        **env,
        "BENCH_APP_DSN": f"postgresql://casework_app@/{url.database}?host={socket_dir}",
        "BENCH_PUBLIC_KEY": str(public),
        "BENCH_ISSUER": ISSUER,
    }
    floor = subprocess.Popen(
        [sys.executable, "-m", "bench.floor", "--port", str(FLOOR_PORT)],
        env=floor_env,
        cwd=REPO,
        stdout=(OUT / "floor.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    procs.append(floor)
    peer_proc = None
    if not args.no_peer:
        peer_proc = peer.start(
            socket_dir=socket_dir,
            database=url.database,
            port=PEER_PORT,
            public_key=public,
            tenants=sizes.tenants,
            log=OUT / "peer.log",
        )
        procs.append(peer_proc)
    results: list[dict] = []
    try:
        svc = f"http://127.0.0.1:{SERVICE_PORT}"
        flr = f"http://127.0.0.1:{FLOOR_PORT}"
        per = f"http://127.0.0.1:{PEER_PORT}"
        wait_for(svc + "/healthz")
        wait_for(flr + "/")
        if peer_proc:
            wait_for(per + "/graphql")
        size_before = asyncio.run(audit_size(url))

        W1 = {first: _requests(w1(key, first)) for first in (10, 50, 100)}
        W2 = _requests(w2(key))
        W3 = _requests(w3(key, sizes, now))
        W4 = _requests(w4(key, now))
        token = w1(key).requests[0].token
        FLOOR_W1 = [("/w1", token, json.dumps({"first": 50}))]
        FLOOR_W2 = [("/w2", w2(key).requests[0].token, "{}")]
        PEER_W1 = [
            ("/graphql", token, json.dumps(peer.case_list_body(str(bench_id("staff", "0.0")))))
        ]
        check(svc, W1[50], '"edges"')
        check(svc, W2, '"edges"')
        check(svc, W3, '"errors":[]')
        check(svc, W4, '"readers"')
        check(flr, FLOOR_W1, '"edges"')
        check(flr, FLOOR_W2, '"edges"')
        if peer_proc:
            check(per, PEER_W1, '"edges"')

        def measure(label, target, base, reqs, conc, pids, count_trips=False, note=""):
            load.run(wrk, base, reqs, connections=conc, seconds=2, server_pids=pids)  # warm-up
            before = stats() if count_trips else None
            result = load.run(
                wrk, base, reqs, connections=conc, seconds=args.seconds, server_pids=pids
            )
            trips = None
            if count_trips:
                after = stats()
                trips = (round_trips(after) - round_trips(before)) / max(
                    1, after["requests"] - before["requests"]
                )
            row = {
                "workload": label,
                "target": target,
                "concurrency": conc,
                **asdict(result),
                "round_trips": trips,
                "note": note,
            }
            results.append(row)
            say(
                f"run: {label:<14} {target:<8} c={conc:<3} {result.rps:8.1f} req/s"
                f"  p50 {result.p50_ms:7.1f}  p99 {result.p99_ms:7.1f} ms  errors {result.errors}"
                f"  rt {trips if trips is None else round(trips, 1)}"
                f"  wrk cpu {result.wrk_cpu:.2f}  server cpu {result.server_cpu:.2f}"
                f"  machine cpu {result.machine_cpu:.2f}"
            )
            return row

        for conc in levels:
            measure("W1 first:50", "service", svc, W1[50], conc, [service.pid], True)
            measure(
                "W1 first:50",
                "floor",
                flr,
                FLOOR_W1,
                conc,
                [floor.pid],
                note=f"rt {FLOOR_ROUND_TRIPS['W1']} (counted in floor.py)",
            )
            if peer_proc:
                measure("W1 first:50", "peer", per, PEER_W1, conc, [peer_proc.pid])
        for first in (10, 100):
            measure(f"W1 first:{first}", "service", svc, W1[first], levels[0], [service.pid], True)
        for conc in levels:
            measure("W2 referrals:20", "service", svc, W2, conc, [service.pid], True)
            measure(
                "W2 referrals:20",
                "floor",
                flr,
                FLOOR_W2,
                conc,
                [floor.pid],
                note=f"rt {FLOOR_ROUND_TRIPS['W2']} (counted in floor.py)",
            )
        for conc in levels:
            measure("W3 writes", "service", svc, W3, conc, [service.pid], True)
        for conc in [1, *levels]:
            measure("W4 Auskunft", "service", svc, W4, conc, [service.pid], True)

        profiles = {}
        for label, reqs in (("W1", W1[50]), ("W2", W2)):
            raw = OUT / f"profile-{label}.txt"
            recorder = profile.record(service.pid, args.profile_seconds, raw)
            time.sleep(0.5)
            load.run(
                wrk,
                svc,
                reqs,
                connections=levels[0],
                seconds=args.profile_seconds - 1,
                server_pids=[service.pid],
            )
            recorder.wait(timeout=60)
            if raw.exists():
                analysed = profile.analyse(raw)
                profiles[label] = analysed
                (OUT / f"profile-{label}-report.txt").write_text(profile.report(analysed, 25))
            else:
                say(
                    f"profile {label}: py-spy wrote nothing ({recorder.stderr.read().decode()[:300]})"
                )
        size_after = asyncio.run(audit_size(url))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    audit_bytes = size_after[0] - size_before[0]
    audit_fields = size_after[1] - size_before[1]
    summary = {
        "date": now.isoformat(timespec="seconds"),
        "scale": args.scale,
        "sizes": asdict(sizes),
        "rows": rows,
        "generation_seconds": timings,
        "results": results,
        "profiles": {
            k: {"samples": p.samples, "policy": p.share(p.policy), "audit": p.share(p.audit)}
            for k, p in profiles.items()
        },
        "audit_bytes_per_field_read": audit_bytes / audit_fields if audit_fields else None,
        "audit_partition_bytes": size_after[0],
        "audit_fields_recorded": size_after[1],
        "total_seconds": time.monotonic() - started,
    }
    (OUT / "results.json").write_text(json.dumps(summary, indent=2, default=str))
    print(table(summary))


def table(summary: dict) -> str:
    rows = summary["results"]

    def find(workload, target, conc):
        return next(
            (
                r
                for r in rows
                if r["workload"] == workload and r["target"] == target and r["concurrency"] == conc
            ),
            None,
        )

    profiles = summary["profiles"]
    lines = [
        f"casework benchmark {summary['date']}  scale {summary['scale']:g}"
        f"  ({summary['rows']['clients']:,} clients, {summary['rows']['referrals']:,} referrals,"
        f" {summary['rows']['consents']:,} consents, {summary['rows']['audit_entries']:,} audit records)",
        "",
        "| workload | server | conc | req/s | p50 ms | p95 ms | p99 ms | errors | DB round trips/req"
        " | × floor | × peer | server CPU | wrk CPU | machine CPU |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        floor = find(r["workload"], "floor", r["concurrency"])
        peer_row = find(r["workload"], "peer", r["concurrency"])
        vs_floor = (
            f"{r['rps'] / floor['rps']:.2f}"
            if floor and floor["rps"] and r["target"] != "floor"
            else ""
        )
        vs_peer = (
            f"{r['rps'] / peer_row['rps']:.2f}"
            if peer_row and peer_row["rps"] and r["target"] != "peer"
            else ""
        )
        trips = (
            f"{r['round_trips']:.1f}"
            if r["round_trips"] is not None
            else (r["note"].split(" ")[1] if r["note"].startswith("rt ") else "n/a")
        )
        lines.append(
            f"| {r['workload']} | {r['target']} | {r['concurrency']} | {r['rps']:.1f} |"
            f" {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
            f" {trips} | {vs_floor} | {vs_peer} | {r['server_cpu']:.2f} | {r['wrk_cpu']:.2f} | {r['machine_cpu']:.2f} |"
        )
    lines.append("")
    for label, p in profiles.items():
        lines.append(
            f"{label} CPU profile (py-spy, service process): policy {p['policy']:.1%},"
            f" audit {p['audit']:.1%}, together {p['policy'] + p['audit']:.1%}"
            f" of {p['samples']} samples"
        )
    per_field = summary["audit_bytes_per_field_read"]
    lines.append(
        "audit bytes per field read (this run's partition, table + indexes): "
        + (f"{per_field:.1f}" if per_field else "n/a")
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
