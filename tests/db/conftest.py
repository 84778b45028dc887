"""A database of its own for the tests that migrate from empty (the session's is at head)."""

from __future__ import annotations

import uuid

import pytest

from service.db.admin import drop_database, ensure_database


@pytest.fixture
async def scratch_database(server_url):
    name = f"casework_scratch_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(server_url, name)
    yield url
    await drop_database(server_url, name)
