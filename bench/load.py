"""The load generator: wrk (Debian's package, installed if missing), one thread, a Lua script
that rotates through the workload's prepared requests and reports p50/p95/p99 as JSON. Its own
CPU comes from wait4's resource usage; the server's and PostgreSQL's from /proc."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

LUA = """
local bodies = {%(bodies)s}
local tokens = {%(tokens)s}
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", paths[i], {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[i]}, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"max": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


@dataclass
class LoadResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    wrk_cpu: float  # cores used by wrk on average
    server_cpu: float  # cores used by the measured server's processes on average
    machine_cpu: float  # cores busy on the whole machine (all processes, PostgreSQL included)
    database_cpu: float = 0.0  # cores used by PostgreSQL (the postmaster and its children)


def ensure_wrk(say=print) -> str:
    found = shutil.which("wrk")
    if found:
        return found
    say("load: installing wrk (apt-get)")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def _lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def script(requests: list[tuple[str, str, str]]) -> str:
    """requests: (path, token, body)."""
    return LUA % {
        "paths": ", ".join(_lua_string(p) for p, _, _ in requests),
        "tokens": ", ".join(_lua_string(t) for _, t, _ in requests),
        "bodies": ", ".join(_lua_string(b) for _, _, b in requests),
    }


def process_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = _stat_fields(pid)
            total += (int(fields[11]) + int(fields[12])) / tick
        except (FileNotFoundError, IndexError, ValueError):
            pass
    return total


def _stat_fields(pid: int) -> list[str]:
    # After the command's closing parenthesis: field 3 (state) is index 0, utime (14) index 11.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def process_tree(pid: int) -> list[int]:
    """The process and its descendants: `service serve`'s workers are its children."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:
            continue
        waiting.extend(int(child) for child in children)
    return found


def postgres_cpu_seconds(postmaster: int) -> float:
    """The postmaster's own CPU, its children's that it has reaped (cutime, cstime: backends of
    connections that ended) and its live children's (backends, walwriter, autovacuum)."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        fields = _stat_fields(postmaster)
    except FileNotFoundError:
        return 0.0
    own = sum(int(v) for v in fields[11:15]) / tick
    return own + process_cpu_seconds(process_tree(postmaster)[1:])


def machine_busy_seconds() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run(
    wrk: str,
    base_url: str,
    requests: list[tuple[str, str, str]],
    *,
    connections: int,
    seconds: float,
    server_pids: list[int],
    postmaster: int | None = None,
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script(requests))
        lua = handle.name
    try:
        cpu_before = process_cpu_seconds(server_pids)
        database_before = postgres_cpu_seconds(postmaster) if postmaster else 0.0
        busy_before = machine_busy_seconds()
        started = time.monotonic()
        process = subprocess.Popen(
            [
                wrk,
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                lua,
                base_url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        output = process.stdout.read().decode()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        server_cpu = (process_cpu_seconds(server_pids) - cpu_before) / wall
        database_cpu = (
            (postgres_cpu_seconds(postmaster) - database_before) / wall if postmaster else 0.0
        )
        machine_cpu = (machine_busy_seconds() - busy_before) / wall
    finally:
        os.unlink(lua)
    line = next((x for x in output.splitlines() if x.startswith("BENCH ")), None)
    if line is None or status != 0:
        raise RuntimeError(f"wrk failed: {output[-2000:]}")
    r = json.loads(line[6:])
    duration = r["duration_us"] / 1e6
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return LoadResult(
        requests=r["requests"],
        seconds=duration,
        rps=r["requests"] / duration,
        p50_ms=r["p50"] / 1000,
        p95_ms=r["p95"] / 1000,
        p99_ms=r["p99"] / 1000,
        errors=errors,
        wrk_cpu=(usage.ru_utime + usage.ru_stime) / wall,
        server_cpu=server_cpu,
        machine_cpu=machine_cpu,
        database_cpu=database_cpu,
    )
