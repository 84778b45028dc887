"""`service serve`'s HTTP server: uvicorn on uvloop and httptools, in SERVICE_WORKERS processes,
each listening on a socket of its own bound with SO_REUSEPORT.

Measured on the bench (FIELD-NOTES.md, "Throughput: what a fast path reached"): uvloop and
httptools instead of asyncio and h11 gained 10–15 %. Two uvicorn workers sharing one listening
socket (uvicorn's own `--workers`) put 15–16 of wrk's 16 connections on one worker and gained
nothing; one socket per worker lets the kernel spread the connections over the workers and gained
9 % (W1) and 17 % (W2) over one process.

The parent only supervises: it claims the port first (so a port in use fails once, clearly, and
port 0 is resolved once for all workers), starts the workers, and on SIGTERM, SIGINT or SIGHUP
passes SIGTERM on and waits for each to finish its requests in flight. A worker that ends on its
own (a failed start, a crash) stops the others and the parent exits non-zero: the process manager
restarts the whole, instead of one port serving on with part of its workers.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import wait
from types import FrameType

from starlette.types import ASGIApp

from service.db.embedded import exit_cleanly_on_termination
from service.settings import Settings
from service.telemetry.logging import configure_json_logging

log = logging.getLogger(__name__)

AppFactory = Callable[[Settings], ASGIApp]
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# uvicorn's own exit status for an application that failed to start.
STARTUP_FAILURE = 3


def serve(settings: Settings, app_factory: AppFactory) -> int:
    """Serve until stopped; the exit status of `service serve`."""
    if settings.workers == 1:
        server = _server(settings, app_factory)
        server.run()
        return 0 if server.started else STARTUP_FAILURE
    return _supervise(settings, app_factory)


def _server(settings: Settings, app_factory: AppFactory):
    import uvicorn

    app = app_factory(settings)
    settle_the_heap()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        log_level=settings.log_level,
        log_config=None,
        access_log=False,  # the request middleware writes the access lines, without addresses
    )
    return uvicorn.Server(config)


# Python's cyclic collector, as tuned for serving. A W1 request allocates some 10,000 objects
# the collector tracks (asyncpg's uuids the most): with the default thresholds (700, 10, 10) the
# collector was 6.8 % of its CPU, walking the schema, the ORM's mappings and the modules again
# and again; with what was loaded at start frozen and these thresholds, 3.6 % (py-spy --native,
# in-process W1).
GC_THRESHOLDS = (50_000, 20, 20)


def settle_the_heap() -> None:
    """Freeze what start-up built (modules, schema, mappings: never garbage) out of the
    collector's walks, and let it run less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """Bound, not yet listening: the kernel gives connections only to listening sockets of the
    port, so a worker still starting (or the parent's claim on the port) gets none."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


class _Stop(Exception):
    def __init__(self, signum: int) -> None:
        self.signum = signum


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _Stop(signum)


def _supervise(settings: Settings, app_factory: AppFactory) -> int:
    try:
        claim = reuse_port_socket(settings.host, settings.port)
    except OSError as error:
        print(
            f"cannot listen on {settings.host}:{settings.port}: {error.strerror}", file=sys.stderr
        )
        return 2
    settings = replace(settings, port=claim.getsockname()[1])
    previous = {signum: signal.signal(signum, _raise_stop) for signum in STOP_SIGNALS}
    spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited loop or pool
    workers = [
        spawn.Process(target=_work, args=(settings, app_factory), name=f"worker-{n}")
        for n in range(1, settings.workers + 1)
    ]
    status = 0
    try:
        for worker in workers:
            worker.start()
        log.info(
            "serving",
            extra={"fields": {"port": settings.port, "workers": [w.pid for w in workers]}},
        )
        ended = wait([worker.sentinel for worker in workers])
        first = next(w for w in workers if w.sentinel in ended)
        first.join()  # the sentinel closes a moment before the exit status can be read
        code = first.exitcode or 1
        status = 128 - code if code < 0 else code  # a worker killed by signal N: 128 + N
        log.error(
            "a worker ended on its own; stopping the others", extra={"fields": {"status": status}}
        )
    except _Stop as stop:
        status = 128 + stop.signum
    finally:
        # Stopping already: a second signal changes nothing (Ctrl-C twice still reaches the
        # workers themselves, which then stop at once).
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        _stop_all(workers)
        claim.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status


def _stop_all(workers: list) -> None:
    started = [worker for worker in workers if worker.pid is not None]
    for worker in started:
        if worker.is_alive():
            worker.terminate()  # SIGTERM: uvicorn's graceful shutdown, requests in flight finish
    for worker in started:
        worker.join()


def _work(settings: Settings, app_factory: AppFactory) -> None:
    """One worker process (spawned): its own socket, its own runtime, pool and event loop."""
    configure_json_logging(settings.log_level)
    exit_cleanly_on_termination()
    server = _server(settings, app_factory)
    sock = reuse_port_socket(settings.host, settings.port)
    # Ctrl-C reaches the whole process group; uvicorn re-raises it after its graceful shutdown.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])
    if not server.started:
        raise SystemExit(STARTUP_FAILURE)
