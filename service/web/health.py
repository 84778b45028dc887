"""Probes: /healthz (the process answers) and /readyz (the database answers, and is at this code's
revision or at a later one recorded as serving it: service/db/compatibility.py)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse

from service.audit.partitions import months_ahead_now
from service.db.compatibility import read_database_revision, unready_reason
from service.db.migrate import known_revisions

READINESS_TIMEOUT_SECONDS = 2.0


async def healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            async with runtime.database.engine.connect() as conn:
                database = await read_database_revision(conn)
            reason = unready_reason(database, runtime.head_revisions, known_revisions())
            if reason is None:
                months = await months_ahead_now(runtime.database.engine)
    except Exception:  # any failure to answer means not ready; the reason is the probe's result
        return JSONResponse({"status": "not ready", "reason": "database unreachable"}, 503)
    if reason is not None:
        return JSONResponse({"status": "not ready", "reason": reason}, 503)
    if months < 1:
        # Next month's records would have nowhere to go: the log would fail closed then.
        return JSONResponse(
            {"status": "not ready", "reason": "audit partitions missing", "monthsAhead": months},
            503,
        )
    return JSONResponse(
        {
            "status": "ready",
            "revisions": sorted(database.revisions),
            "codeRevisions": sorted(runtime.head_revisions),
            "auditMonthsAhead": months,
        }
    )
