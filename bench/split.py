"""The CPU split of a request, on each path of the service: Python by part (py-spy over the
workers, bench/profile.py) at the bench's first concurrency, and PostgreSQL by statement
(bench/statements.py) at one connection."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from bench import load, profile, statements
from bench.targets import Target, quiet


def split_cpu(
    wrk: str,
    services: list[Target],
    workloads: dict[str, list],
    *,
    concurrency: int,
    profile_seconds: int,
    statement_seconds: int,
    database: dict,
    log: Path,
    out: Path,
) -> tuple[dict, dict]:
    profiles, by_statement = {}, {}
    for target in services:
        for name, reqs in workloads.items():
            tag = f"{name} {target.label}"
            slug = f"{name}-{target.label.split('(')[1].rstrip(')')}"
            python = split_python(wrk, target, reqs, concurrency, profile_seconds, out / slug)
            if python:
                profiles[tag] = python
            by_statement[f"{tag}, PostgreSQL by statement at c=1"] = split_database(
                wrk, target, reqs, statement_seconds, database, log
            )
    return profiles, by_statement


def split_python(wrk: str, target: Target, reqs, conc: int, seconds: int, stem: Path) -> dict:
    raw = stem.with_name(f"profile-{stem.name}.txt")
    recorder = profile.record(target.process.pid, seconds, raw)
    time.sleep(0.5)  # py-spy attaches before the load starts
    load.run(wrk, target.base, reqs, connections=conc, seconds=seconds - 1, server_pids=[])
    recorder.wait(timeout=60)
    if not raw.exists():
        problem = recorder.stderr.read().decode()[:300]
        print(f"profile {stem.name}: py-spy wrote nothing ({problem})", file=sys.stderr)
        return {}
    analysed = profile.analyse(raw)
    raw.with_name(f"profile-{stem.name}-report.txt").write_text(profile.report(analysed, 25))
    return {
        "samples": analysed.samples,
        "policy": analysed.share(analysed.policy),
        "audit": analysed.share(analysed.audit),
        "parts": {part: analysed.share(n) for part, n in analysed.parts.most_common()},
    }


def split_database(
    wrk: str, target: Target, reqs, seconds: int, database: dict, log: Path
) -> list[str]:
    """One connection, every statement logged (bench/statements.py); never a measured run."""
    asyncio.run(statements.log_every_statement(database, on=True))
    try:
        before = quiet(target)
        offset = statements.log_offset(log)
        load.run(wrk, target.base, reqs, connections=1, seconds=seconds, server_pids=[])
        after = quiet(target)  # the last request counted is logged whole
        end = statements.log_offset(log)
    finally:
        asyncio.run(statements.log_every_statement(database, on=False))
    answered = after["requests"] - before["requests"]
    return statements.report(statements.read_times(log, offset, end), answered)
