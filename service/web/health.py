"""Probes: /healthz (the process answers) and /readyz (the database answers and is current)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse

from service.audit.partitions import months_ahead_now

READINESS_TIMEOUT_SECONDS = 2.0


async def healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    runtime = request.app.state.runtime
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            async with runtime.database.engine.connect() as conn:
                revisions = set(await conn.scalars(text("SELECT version_num FROM alembic_version")))
                if revisions == runtime.head_revisions:
                    months = await months_ahead_now(runtime.database.engine)
    except Exception:  # any failure to answer means not ready; the reason is the probe's result
        return JSONResponse({"status": "not ready", "reason": "database unreachable"}, 503)
    if revisions != runtime.head_revisions:
        return JSONResponse({"status": "not ready", "reason": "migrations pending"}, 503)
    if months < 1:
        # Next month's records would have nowhere to go: the log would fail closed then.
        return JSONResponse(
            {"status": "not ready", "reason": "audit partitions missing", "monthsAhead": months},
            503,
        )
    return JSONResponse(
        {"status": "ready", "revisions": sorted(revisions), "auditMonthsAhead": months}
    )
