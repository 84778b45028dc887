"""The audit log's monthly partitions, kept a year ahead (migration 0022): at start and daily
while the service runs, and as a deploy step (`service audit partitions`). A record needs its
month's partition, and the log fails closed without one — so running out would mean serving no
personal data at all.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from service.telemetry.instruments import note_audit_partition_months

log = logging.getLogger(__name__)

MONTHS_AHEAD = 12
CHECK_INTERVAL_SECONDS = 24 * 60 * 60


async def ensure_partitions(engine: AsyncEngine, months: int = MONTHS_AHEAD) -> int:
    """Add the partitions missing up to `months` months past the current one; how many."""
    async with engine.begin() as conn:
        return await conn.scalar(text("SELECT audit_ensure_partitions(:m)"), {"m": months})


async def months_ahead(engine: AsyncEngine) -> int:
    """Whole months covered after the current one (-1: not even this month)."""
    async with engine.connect() as conn:
        return await conn.scalar(text("SELECT audit_partition_months_ahead()"))


async def months_ahead_now(engine: AsyncEngine) -> int:
    """`months_ahead`, also handed to the gauge `casework.audit.partition_months_ahead`."""
    months = await months_ahead(engine)
    note_audit_partition_months(months)
    return months


async def extend_partitions(engine: AsyncEngine) -> None:
    """Add what is missing and note how far the log reaches; a failure is logged, not raised:
    the next attempt may succeed, and /readyz tells operators when next month is missing."""
    try:
        created = await ensure_partitions(engine)
        if created:
            log.info("added %d audit partitions", created)
        await months_ahead_now(engine)
    except Exception as error:
        log.warning("audit partitions not extended (%s)", type(error).__name__)


async def keep_partitions_ahead(engine: AsyncEngine) -> None:
    """Runs for the service's life, once a day (start_runtime did the first)."""
    while True:
        await asyncio.sleep(CHECK_INTERVAL_SECONDS)
        await extend_partitions(engine)
