"""The embedded PostgreSQL of `make run` stops with the service — on SIGTERM (what `docker stop`,
systemd and process managers send) and SIGINT (Ctrl-C) — also after an earlier process of the
same data folder was killed and left its pid behind (issue 19) — and with two workers (issue 17).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest

from service.db.embedded import HANDLES_FILE
from tests.served import serve

START_SECONDS = 120


def _serve(data_dir: Path, workers: int = 1) -> tuple[subprocess.Popen, int]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TOKEN_", "DATABASE_"))
    }
    env.update(
        SERVICE_DEV_MODE="true", SERVICE_DATA_DIR=str(data_dir), SERVICE_WORKERS=str(workers)
    )
    process, port, _log = serve(env, data_dir, ready_within=START_SECONDS)
    return process, port


def _postmaster(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().split()[0])


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A stopped postmaster that is our grandchild may linger as a zombie until reaped.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    yield folder
    pgdata = folder / "pg"
    if (pgdata / "postmaster.pid").exists():
        pid = _postmaster(pgdata)
        if _running(pid):
            os.kill(pid, signal.SIGTERM)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_service_and_its_embedded_postgresql(data_dir, signum):
    process, _port = _serve(data_dir)
    postmaster = _postmaster(data_dir / "pg")

    process.send_signal(signum)
    process.wait(timeout=60)

    assert not _running(postmaster)
    assert json.loads((data_dir / "pg" / HANDLES_FILE).read_text()) == []


def test_a_killed_process_leaves_a_stale_pid_that_the_next_start_recovers(data_dir):
    killed, _port = _serve(data_dir)
    killed.kill()  # SIGKILL: no exit hook can run
    killed.wait(timeout=30)
    postmaster = _postmaster(data_dir / "pg")
    assert _running(postmaster)
    assert killed.pid in json.loads((data_dir / "pg" / HANDLES_FILE).read_text())

    process, _port = _serve(data_dir)
    assert _postmaster(data_dir / "pg") == postmaster  # attached to the one left running
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)

    assert not _running(postmaster)
    assert json.loads((data_dir / "pg" / HANDLES_FILE).read_text()) == []


def test_two_workers_share_the_port_and_the_parents_embedded_postgresql_and_stop_together(
    data_dir,
):
    """SERVICE_WORKERS=2: each worker on a socket of its own (service/web/serving.py), so the
    kernel spreads connections over both; which one answered is read where an operator reads
    it, the access line's `pid`, never a response. SIGTERM stops both, then the server."""
    process, port = _serve(data_dir, workers=2)
    # The parent alone holds the server; its workers get the database's URL.
    assert json.loads((data_dir / "pg" / HANDLES_FILE).read_text()) == [process.pid]
    postmaster = _postmaster(data_dir / "pg")
    log = data_dir / f"serve-{port}.log"
    sent = [_unauthenticated_request(port) for _ in range(REQUESTS)]
    answered_by = _pids_of(log, sent)

    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)

    workers = set(answered_by.values())
    assert len(answered_by) == REQUESTS
    assert workers == set(_started_workers(log)) and len(workers) == 2
    assert process.pid not in workers
    assert process.returncode == 128 + signal.SIGTERM
    assert not any(_running(pid) for pid in workers)
    assert not _running(postmaster)
    assert json.loads((data_dir / "pg" / HANDLES_FILE).read_text()) == []


REQUESTS = 40  # on two sockets, all 40 connections on one worker has odds of 2 in 2**40


def _unauthenticated_request(port: int) -> str:
    """A new connection each time (the kernel spreads connections, not requests): answered 401,
    and logged like any request."""
    request_id = str(uuid.uuid4())
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": "{ me { subject } }"},
        headers={"X-Request-Id": request_id},
    )
    assert response.status_code == 401 and "pid" not in response.text.lower()
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
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def _started_workers(log: Path) -> list[int]:
    """The workers the parent started, as its `serving` line names them."""
    return next(e for e in _entries(log) if e.get("message") == "serving")["workers"]
