"""The audit log's monthly partitions never run out: the service keeps the next twelve months in
place (at start, then daily), `service audit partitions` does it as a deploy step, and /readyz
says not ready once next month's partition is missing — before records would fail closed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
from sqlalchemy import pool, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from service.audit.partitions import MONTHS_AHEAD, months_ahead
from service.runtime import start_runtime

# Every partition that starts after the current month, of both tables.
FUTURE_PARTITIONS = text(
    """
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent IN ('audit_requests'::regclass, 'audit_entries'::regclass)
       AND substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''([^'']+)''\\)')::timestamptz
           >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                + interval '1 month' - interval '1 day'
    """
)


@pytest.fixture
async def owner_engine(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()


async def _only_the_current_month(owner_engine) -> None:
    async with owner_engine.begin() as conn:
        for name in list(await conn.scalars(FUTURE_PARTITIONS)):
            await conn.execute(text(f"DROP TABLE {name}"))


async def test_the_migrations_leave_a_year_of_partitions_ahead(owner_engine):
    assert await months_ahead(owner_engine) >= MONTHS_AHEAD


async def test_a_service_started_with_only_this_month_adds_the_year_ahead(
    owner_engine, settings, client
):
    await _only_the_current_month(owner_engine)
    before = await months_ahead(owner_engine)
    not_ready = await client.get("/readyz")

    started = await start_runtime(settings)
    try:
        after = await months_ahead(owner_engine)
        ready = await client.get("/readyz")
        written = await client.get("/healthz")
    finally:
        await started.close()

    assert before == 0
    assert (not_ready.status_code, not_ready.json()["reason"]) == (503, "audit partitions missing")
    assert after == MONTHS_AHEAD
    assert ready.status_code == 200 and ready.json()["auditMonthsAhead"] == MONTHS_AHEAD
    assert written.status_code == 200


async def test_ensuring_twice_adds_nothing_the_second_time(owner_engine):
    async with owner_engine.begin() as conn:
        await conn.scalar(text("SELECT audit_ensure_partitions(12)"))
        again = await conn.scalar(text("SELECT audit_ensure_partitions(12)"))

    assert again == 0


async def test_an_absurd_number_of_months_is_refused(owner_engine):
    async with owner_engine.connect() as conn:
        with pytest.raises(DBAPIError, match="between 0 and 120"):
            await conn.scalar(text("SELECT audit_ensure_partitions(5000)"))


async def test_the_deploy_step_extends_the_partitions(owner_engine, owner_url, settings):
    await _only_the_current_month(owner_engine)
    environment = {
        **os.environ,
        "DATABASE_URL": owner_url.render_as_string(hide_password=False),
        "SERVICE_DEV_MODE": "false",
        "TOKEN_ISSUER": settings.token_issuer,
        "TOKEN_PUBLIC_KEY_FILE": str(settings.token_public_key_file),
    }

    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "service.cli", "audit", "partitions", "--months", "15"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert "15 months ahead" in done.stdout
    assert await months_ahead(owner_engine) == 15
