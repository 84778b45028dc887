"""Probes an orchestrator relies on: /healthz says the process answers, /readyz that the
database answers as the app role and is migrated to this code's head."""

from __future__ import annotations

import dataclasses
import uuid

import httpx
import pytest
from alembic import command
from sqlalchemy import pool
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from service.app import create_app
from service.db.admin import drop_database, ensure_database
from service.db.engine import Database
from service.db.migrate import alembic_config, head_revisions, upgrade_to_head
from service.runtime import start_runtime


async def _get(app, path: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        return await http.get(path)


async def test_healthz_answers(client):
    response = await client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_reports_the_current_revision(client):
    response = await client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["revisions"]) == ("ready", sorted(head_revisions()))
    assert body["auditMonthsAhead"] >= 12


async def test_readyz_is_not_ready_when_the_database_is_unreachable(settings, runtime):
    nowhere = URL.create("postgresql+asyncpg", username="casework_app", host="127.0.0.1", port=1)
    cut_off = dataclasses.replace(runtime, database=Database(nowhere, settings))
    try:
        response = await _get(create_app(settings, cut_off), "/readyz")
    finally:
        await cut_off.database.dispose()

    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "reason": "database unreachable"}


@pytest.fixture
async def behind_database(server_url, settings):
    """A database migrated to head, then rolled back to empty behind the service's back."""
    name = f"casework_behind_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(server_url, name)
    await upgrade_to_head(url)
    behind_settings = dataclasses.replace(
        settings, database_url=url.render_as_string(hide_password=False)
    )
    started = await start_runtime(behind_settings)
    engine = create_async_engine(url, poolclass=pool.NullPool)

    def downgrade(sync_conn):
        config = alembic_config()
        config.attributes["connection"] = sync_conn
        command.downgrade(config, "base")

    async with engine.begin() as conn:
        await conn.run_sync(downgrade)
    await engine.dispose()
    yield behind_settings, started
    await started.close()
    await drop_database(server_url, name)


async def test_readyz_is_not_ready_while_migrations_are_pending(behind_database):
    behind_settings, started = behind_database

    response = await _get(create_app(behind_settings, started), "/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "not ready", "reason": "migrations pending"}
