"""The servers the bench drives: the service twice — once running the bench's registered
documents on the compiled path (TRUSTED_DOCUMENTS=all with a manifest of them), once with
TRUSTED_DOCUMENTS=off (the generic path) — each as SERVICE_WORKERS processes; the plain-asyncpg
floor; the PostGraphile peer. Each is a process tree whose CPU the bench sums."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import load
from bench.workloads import (
    ACCESS_REPORT,
    ADD_ACTIVITY,
    CASE_LIST,
    PARTNER_REFERRALS,
    REPORT_PROGRESS,
)
from service.web.trusted_documents import register

REPO = Path(__file__).resolve().parents[1]
COMPILED, GENERIC, FLOOR, PEER = "service (compiled)", "service (generic)", "floor", "peer"
DOCUMENTS = {
    "case-list": CASE_LIST,
    "partner-referrals": PARTNER_REFERRALS,
    "report-progress": REPORT_PROGRESS,
    "add-activity": ADD_ACTIVITY,
    "access-report": ACCESS_REPORT,
}


@dataclass
class Target:
    label: str
    base: str
    process: subprocess.Popen
    workers: int = 1
    pids: list[int] = field(default_factory=list)
    """The process and its workers, read once it answers."""

    def settle(self) -> None:
        self.pids = load.process_tree(self.process.pid)


def register_documents(data_dir: Path) -> Path:
    """The bench's documents in a manifest of their own, as `service documents register` writes
    it (the file's text is the request's, byte for byte, so the ids match)."""
    folder = data_dir / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    manifest = data_dir / "trusted-documents.json"
    manifest.unlink(missing_ok=True)
    files = []
    for name, text in DOCUMENTS.items():
        path = folder / f"{name}.graphql"
        path.write_text(text)
        files.append(path)
    register(manifest, files)
    return manifest


def start_service(label: str, port: int, env: dict[str, str], log: Path) -> Target:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    workers = int(env.get("SERVICE_WORKERS", "1"))
    return Target(label, f"http://127.0.0.1:{port}", process, workers)


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def wait_for_workers(target: Target, seconds: float = 90) -> None:
    """Until every worker answers: a worker still starting has no listening socket yet."""
    deadline = time.monotonic() + seconds
    while len(_stats_by_worker(target, tries=8 * target.workers)) < target.workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{target.label}: not all {target.workers} workers came up")
        time.sleep(0.3)
    target.settle()


def stats(target: Target) -> dict[str, int]:
    """The round-trip counters summed over the workers (each answers for itself)."""
    by_worker = _stats_by_worker(target, tries=50 * target.workers)
    if len(by_worker) < target.workers:
        raise RuntimeError(f"{target.label}: reached {len(by_worker)} of {target.workers} workers")
    keys = ("requests", "statements", "begins", "ends", "checkouts")
    return {key: sum(counts[key] for counts in by_worker.values()) for key in keys}


def quiet(target: Target, seconds: float = 60) -> dict[str, int]:
    """Wait until the requests wrk left in flight are done (no statement in half a second) and
    return the counters then: what follows is counted alone."""
    deadline = time.monotonic() + seconds
    counts = stats(target)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = stats(target)
        if now == counts:
            break
        counts = now
    return counts


def _stats_by_worker(target: Target, tries: int) -> dict[int, dict]:
    # A new connection each time: the kernel picks a worker per connection (SO_REUSEPORT).
    found: dict[int, dict] = {}
    for _ in range(tries):
        try:
            answer = httpx.get(f"{target.base}/__bench/stats", timeout=5).json()
        except httpx.HTTPError:
            continue
        found[answer["pid"]] = answer
        if len(found) == target.workers:
            break
    return found


def stop(targets: list[Target]) -> None:
    for target in targets:
        target.process.terminate()
    for target in targets:
        try:
            target.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            target.process.kill()
