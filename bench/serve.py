"""Measurement-only launcher: the service exactly as `service serve` runs it (production settings
from the environment, JSON logs, SERVICE_WORKERS processes by service/web/serving.py), plus a
counter of database round trips in each worker.

The counter listens to SQLAlchemy's events on every engine and pool in the process: one round
trip per statement, per BEGIN and per COMMIT/ROLLBACK. (Runs before the sixth counted a round
trip per pool checkout for the pre-ping, which took three; the pool no longer pings.) It answers
`GET /__bench/stats` with the counts of the worker the connection reached and that worker's pid
(bench-only: the bench sums over the workers); nothing in service/ knows about it.

    python -m bench.serve --port 8101        (environment as for `service serve`)
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

COUNTS = {"requests": 0, "statements": 0, "begins": 0, "ends": 0, "checkouts": 0}
LOG_SQL = os.environ.get("BENCH_LOG_SQL") == "1"


def _count(key: str):
    def listener(*_args, **_kwargs) -> None:
        COUNTS[key] += 1

    return listener


def _statement(_conn, _cursor, statement, parameters, _context, _many) -> None:
    COUNTS["statements"] += 1
    if LOG_SQL:
        print(f"SQL: {' '.join(statement.split())} -- {parameters!r}"[:4000], file=sys.stderr)


def install_counters() -> None:
    event.listen(Engine, "before_cursor_execute", _statement)
    event.listen(Engine, "begin", _count("begins"))
    event.listen(Engine, "commit", _count("ends"))
    event.listen(Engine, "rollback", _count("ends"))
    # Counted, but no round trip: the service's pool does not ping (service/db/engine.py).
    event.listen(Pool, "checkout", _count("checkouts"))


def round_trips(counts: dict[str, int]) -> int:
    return counts["statements"] + counts["begins"] + counts["ends"]


class Counted:
    """Counts /graphql requests and answers /__bench/stats; everything else goes to the app."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == "/__bench/stats":
            body = json.dumps(
                {**COUNTS, "round_trips": round_trips(COUNTS), "pid": os.getpid()}
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "http" and scope["path"] == "/graphql":
            COUNTS["requests"] += 1
            if LOG_SQL:
                print("SQL: --- request", file=sys.stderr)
        await self.app(scope, receive, send)


def counted_app(settings):
    """The app of one worker, with the counters installed in that worker's process."""
    from service.app import create_app

    install_counters()
    return Counted(create_app(settings))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    from dataclasses import replace

    from service.settings import load_settings
    from service.telemetry.logging import configure_json_logging
    from service.web.serving import serve

    configure_json_logging()
    settings = replace(load_settings(), host="127.0.0.1", port=args.port)
    raise SystemExit(serve(settings, counted_app))


if __name__ == "__main__":
    main()
