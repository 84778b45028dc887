"""`service serve` with SERVICE_WORKERS=2: two processes answer on one port, each on a socket of
its own (service/web/serving.py), and SIGTERM stops both. Which process answered is read where
an operator reads it — the access log line's `pid` — never from a response."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from pathlib import Path

import httpx

from tests.served import Served, served_demo

REQUESTS = 40  # on two sockets, all 40 connections on one worker has odds of 2 in 2**40


def test_two_workers_share_the_port_and_stop_together_on_sigterm(server_url, tmp_path):
    with served_demo(server_url, tmp_path, workers=2) as served:
        headers = {"Authorization": f"Bearer {served.token('sb.schmied')}"}
        sent = [_me(served, headers) for _ in range(REQUESTS)]
        answered_by = _pids_of(served.log, sent)
        served.process.send_signal(signal.SIGTERM)
        served.process.wait(timeout=30)

    assert len(answered_by) == REQUESTS
    workers = set(answered_by.values())
    assert workers == set(_started_workers(served.log))
    assert len(workers) == 2 and served.process.pid not in workers
    assert not any(_running(pid) for pid in workers)
    assert served.process.returncode == 128 + signal.SIGTERM


def _me(served: Served, headers: dict[str, str]) -> str:
    request_id = str(uuid.uuid4())
    # httpx.post opens a new connection each time: the kernel spreads connections over the
    # workers' sockets, not requests.
    response = httpx.post(
        f"{served.base}/graphql",
        json={"query": "{ me { subject } }"},
        headers={**headers, "X-Request-Id": request_id},
    )
    assert response.json()["data"]["me"] == {"subject": "sb.schmied"}
    assert "pid" not in response.text.lower()
    return request_id


def _pids_of(log: Path, request_ids: list[str]) -> dict[str, int]:
    """The pid of each request's access line; the lines may trail the responses a little."""
    deadline = time.monotonic() + 10
    while True:
        found = {
            entry["request_id"]: entry["pid"]
            for entry in _entries(log)
            if entry.get("logger") == "service.access" and entry.get("request_id") in request_ids
        }
        if len(found) == len(request_ids) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)  # polling a log another process writes


def _entries(log: Path) -> list[dict]:
    lines = log.read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def _started_workers(log: Path) -> list[int]:
    """The workers the parent started, as its `serving` line names them."""
    return next(e for e in _entries(log) if e.get("message") == "serving")["workers"]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "\nState:\tZ" not in status.read_text()
