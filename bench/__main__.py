"""`make bench`: generate (or reuse) the data, start the service (compiled and generic, each as
SERVICE_WORKERS processes), the floor and the peer on loopback, drive W1–W4 with wrk, split a
W1 and a W2 request's CPU (Python by part, PostgreSQL by statement), run `service audit verify`
over every chain the run appended to, and print one table.

    python -m bench [--scale 1.0] [--seconds 10] [--concurrency 16,64] [--workers 2]
                    [--no-peer] [--fresh]
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

from bench import load, peer, split
from bench.datagen import Sizes, bench_id, connect_kwargs, counts, generate, history_window
from bench.inprocess import service_env
from bench.report import table
from bench.serve import round_trips
from bench.targets import (
    COMPILED,
    FLOOR,
    GENERIC,
    PEER,
    Target,
    quiet,
    register_documents,
    start_service,
    stop,
    wait_for,
    wait_for_workers,
)
from bench.workloads import ISSUER, Workload, bench_key, w1, w2, w3, w4, write_public_key
from service.db.admin import drop_database, ensure_database
from service.db.embedded import start_embedded_server
from service.db.migrate import upgrade_to_head

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / ".data" / "bench" / "out"
PGDATA = REPO / ".data" / "bench" / "pg"
SERVICE_PORT, FLOOR_PORT, PEER_PORT, GENERIC_PORT = 8101, 8102, 8103, 8104
# Round trips of the floor, counted in bench/floor.py: BEGIN, the statements, COMMIT, and the
# pool's reset on release.
FLOOR_ROUND_TRIPS = {"W1": 1 + 8 + 1 + 1, "W2": 1 + 10 + 1 + 1}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def prepare(args, sizes: Sizes, now: datetime):
    server = start_embedded_server(PGDATA)
    name = (
        "casework_bench" if args.scale == 1 else f"casework_bench_{args.scale:g}".replace(".", "_")
    )
    if args.fresh:
        await drop_database(server, name)
    url = await ensure_database(server, name)
    await upgrade_to_head(url)
    timings = await generate(connect_kwargs(url), sizes, now=now, say=say)
    return server, url, timings, await counts(connect_kwargs(url))


async def audit_size(url) -> tuple[int, int]:
    """(bytes, field reads) of the current month's audit partitions: only what the run wrote."""
    import asyncpg

    _, end = history_window(datetime.now(UTC))
    requests, entries = f"audit_requests_{end:%Y_%m}", f"audit_entries_{end:%Y_%m}"
    conn = await asyncpg.connect(**connect_kwargs(url))
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


def audit_verify(env: dict[str, str]) -> dict:
    """`service audit verify` as an operator runs it, on the bench's database after the run:
    every jobcenter's chain, the generated history and every record the run appended (issue
    17: it must pass after the bench)."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "audit", "verify"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.splitlines()
    say(f"audit verify: exit {done.returncode}, {len(lines)} chains")
    return {
        "exit_code": done.returncode,
        "chains": lines,
        "records_checked": sum(_records_checked(line) for line in lines),
        "seconds": round(time.monotonic() - started, 1),
    }


def _records_checked(line: str) -> int:
    # "tenant <id>: <n> records checked, intact"
    _, _, rest = line.partition(": ")
    count, _, _ = rest.partition(" ")
    return int(count) if count.isdigit() else 0


def _requests(workload: Workload, path: str = "/graphql") -> list[tuple[str, str, str]]:
    return [(path, r.token, r.json) for r in workload.requests]


def check(base: str, requests: list[tuple[str, str, str]], expect: str) -> list[dict]:
    """The first prepared requests once: HTTP 200 with data (a wrong harness must not be
    timed); their answers."""
    answers = []
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
        answers.append(response.json())
    return answers


def start_targets(args, url, sizes: Sizes, env: dict[str, str], manifest: Path) -> list[Target]:
    socket_dir = url.query.get("host")
    modes = ((COMPILED, SERVICE_PORT, "all"), (GENERIC, GENERIC_PORT, "off"))
    targets = [
        start_service(
            label,
            port,
            {
                **env,
                "SERVICE_WORKERS": str(args.workers),
                "TRUSTED_DOCUMENTS": mode,
                # in both: requests of registered documents are recorded by the document's id
                "TRUSTED_DOCUMENTS_FILE": str(manifest),
            },
            OUT / f"service-{mode}.log",
        )
        for label, port, mode in modes
    ]
    floor_env = {
        **env,
        "BENCH_APP_DSN": f"postgresql://casework_app@/{url.database}?host={socket_dir}",
        "BENCH_PUBLIC_KEY": env["TOKEN_PUBLIC_KEY_FILE"],
        "BENCH_ISSUER": ISSUER,
    }
    floor = subprocess.Popen(
        [sys.executable, "-m", "bench.floor", "--port", str(FLOOR_PORT)],
        env=floor_env,
        cwd=REPO,
        stdout=(OUT / "floor.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    targets.append(Target(FLOOR, f"http://127.0.0.1:{FLOOR_PORT}", floor))
    if not args.no_peer:
        process = peer.start(
            socket_dir=socket_dir,
            database=url.database,
            port=PEER_PORT,
            public_key=Path(env["TOKEN_PUBLIC_KEY_FILE"]),
            tenants=sizes.tenants,
            partners=sizes.partners,
            log=OUT / "peer.log",
        )
        targets.append(Target(PEER, f"http://127.0.0.1:{PEER_PORT}", process))
    return targets


def wait_until_up(targets: dict[str, Target]) -> None:
    for target in targets.values():
        if target.label in (COMPILED, GENERIC):
            wait_for(target.base + "/healthz")
            wait_for_workers(target)
        else:
            wait_for(target.base + ("/graphql" if target.label == PEER else "/"))
            target.settle()


def check_all(targets: dict[str, Target], W: dict) -> None:
    for label in (COMPILED, GENERIC):
        base = targets[label].base
        W[label]["answers"] = {
            "W1": check(base, W["W1"][50], '"edges"'),
            "W2": check(base, W["W2"], '"edges"'),
        }
    if W[COMPILED]["answers"] != W[GENERIC]["answers"]:
        raise RuntimeError("the compiled and the generic path answer W1 or W2 differently")
    generic = targets[GENERIC].base
    check(generic, W["W3"], '"errors":[]')
    check(generic, W["W4"], '"readers"')
    floor = targets[FLOOR].base
    check(floor, W["floor W1"], '"edges"')
    check(floor, W["floor W2"], '"edges"')
    if PEER in targets:
        check(targets[PEER].base, W["peer W1"], '"edges"')
        (answer,) = check(targets[PEER].base, W["peer W2"], '"edges"')
        wrong = peer.partner_referrals_shape(answer, expected=20)
        if wrong:
            raise RuntimeError(f"the peer's W2 answer: {wrong}")


def workloads(key) -> dict:
    token = w1(key).requests[0].token
    partner = w2(key).requests[0].token
    manager = str(bench_id("staff", "0.0"))
    return {
        "W1": {first: _requests(w1(key, first)) for first in (10, 50, 100)},
        "W2": _requests(w2(key)),
        "floor W1": [("/w1", token, json.dumps({"first": 50}))],
        "floor W2": [("/w2", partner, "{}")],
        "peer W1": [("/graphql", token, json.dumps(peer.case_list_body(manager)))],
        "peer W2": [("/graphql", partner, json.dumps(peer.partner_referrals_body()))],
        COMPILED: {},
        GENERIC: {},
    }


class Runs:
    """Each measured run: a warm-up, then wrk with the CPU of the target and of PostgreSQL."""

    def __init__(self, wrk: str, seconds: int, postmaster: int) -> None:
        self.wrk, self.seconds, self.postmaster = wrk, seconds, postmaster
        self.results: list[dict] = []

    def measure(self, label: str, target: Target, reqs, conc: int, note: str = "") -> None:
        counted = target.label in (COMPILED, GENERIC)
        self._load(target, reqs, conc, 2)  # warm-up
        before = quiet(target) if counted else None
        result = self._load(target, reqs, conc, self.seconds)
        trips = None
        if counted:
            after = quiet(target)  # the requests counted, with all their round trips
            answered = max(1, after["requests"] - before["requests"])
            trips = (round_trips(after) - round_trips(before)) / answered
        row = {
            "workload": label,
            "target": target.label,
            "concurrency": conc,
            **asdict(result),
            "round_trips": trips,
            "note": note,
        }
        self.results.append(row)
        say(
            f"run: {label:<16} {target.label:<18} c={conc:<3} {result.rps:8.1f} req/s"
            f"  p99 {result.p99_ms:7.1f} ms  errors {result.errors}"
            f"  rt {trips if trips is None else round(trips, 1)}"
            f"  server cpu {result.server_cpu:.2f}  pg cpu {result.database_cpu:.2f}"
            f"  wrk cpu {result.wrk_cpu:.2f}  machine cpu {result.machine_cpu:.2f}"
        )

    def _load(self, target: Target, reqs, conc: int, seconds: int) -> load.LoadResult:
        return load.run(
            self.wrk,
            target.base,
            reqs,
            connections=conc,
            seconds=seconds,
            server_pids=target.pids,
            postmaster=self.postmaster,
        )


def run_all(runs: Runs, targets: dict[str, Target], W: dict, levels: list[int]) -> None:
    services = [targets[COMPILED], targets[GENERIC]]
    peer_target = targets.get(PEER)
    for name, floor_reqs, peer_reqs, trips in (
        ("W1 first:50", W["floor W1"], W["peer W1"], FLOOR_ROUND_TRIPS["W1"]),
        ("W2 referrals:20", W["floor W2"], W["peer W2"], FLOOR_ROUND_TRIPS["W2"]),
    ):
        reqs = W["W1"][50] if name.startswith("W1") else W["W2"]
        for conc in levels:
            for service in services:
                runs.measure(name, service, reqs, conc)
            runs.measure(name, targets[FLOOR], floor_reqs, conc, f"rt {trips} (floor.py)")
            if peer_target:
                runs.measure(name, peer_target, peer_reqs, conc)
        if name.startswith("W1"):
            for first in (10, 100):
                for service in services:
                    runs.measure(f"W1 first:{first}", service, W["W1"][first], levels[0])
    # The writes and the Auskunft have no compiled plan: the generic path, as in earlier runs.
    for conc in levels:
        runs.measure("W3 writes", targets[GENERIC], W["W3"], conc)
    for conc in [1, *levels]:
        runs.measure("W4 Auskunft", targets[GENERIC], W["W4"], conc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="shrink every size by this")
    parser.add_argument("--seconds", type=int, default=10, help="per measured run")
    parser.add_argument("--concurrency", default="16,64")
    parser.add_argument("--workers", type=int, default=2, help="SERVICE_WORKERS of the service")
    parser.add_argument("--profile-seconds", type=int, default=12)
    parser.add_argument("--statement-seconds", type=int, default=5)
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
    _server, url, timings, rows = asyncio.run(prepare(args, sizes, now))
    say(f"data: {rows}")
    postmaster = int((PGDATA / "postmaster.pid").read_text().split()[0])
    data_dir = REPO / ".data" / "bench" / "run"
    data_dir.mkdir(parents=True, exist_ok=True)
    key = bench_key(data_dir)
    public = write_public_key(key, data_dir / "bench-idp-public.pem")
    manifest = register_documents(data_dir)
    env = {**os.environ, **service_env(url, public, data_dir), "PYTHONPATH": str(REPO)}
    env.pop("BENCH_LOG_SQL", None)
    started_targets = start_targets(args, url, sizes, env, manifest)
    targets = {target.label: target for target in started_targets}
    W = workloads(key)
    runs = Runs(wrk, args.seconds, postmaster)
    try:
        wait_until_up(targets)
        W["W3"], W["W4"] = _requests(w3(key, sizes, now)), _requests(w4(key, now))
        check_all(targets, W)
        size_before = asyncio.run(audit_size(url))
        run_all(runs, targets, W, levels)
        profiles, by_statement = split.split_cpu(
            wrk,
            [targets[COMPILED], targets[GENERIC]],
            {"W1": W["W1"][50], "W2": W["W2"]},
            concurrency=levels[0],
            profile_seconds=args.profile_seconds,
            statement_seconds=args.statement_seconds,
            database=connect_kwargs(url),
            log=PGDATA / "log",
            out=OUT,
        )
        size_after = asyncio.run(audit_size(url))
    finally:
        stop(started_targets)
    verified = audit_verify(env)
    audit_bytes = size_after[0] - size_before[0]
    audit_fields = size_after[1] - size_before[1]
    summary = {
        "date": now.isoformat(timespec="seconds"),
        "scale": args.scale,
        "workers": args.workers,
        "sizes": asdict(sizes),
        "rows": rows,
        "generation_seconds": timings,
        "results": runs.results,
        "profiles": profiles,
        "statements": by_statement,
        "audit_bytes_per_field_read": audit_bytes / audit_fields if audit_fields else None,
        "audit_partition_bytes": size_after[0],
        "audit_fields_recorded": size_after[1],
        "audit_verify": verified,
        "total_seconds": time.monotonic() - started,
    }
    (OUT / "results.json").write_text(json.dumps(summary, indent=2, default=str))
    print(table(summary))


if __name__ == "__main__":
    main()
