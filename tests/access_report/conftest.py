"""The owner's engine for tests that write audit records directly (a log over months)."""

from __future__ import annotations

import pytest
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine


@pytest.fixture
async def owner(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()
