"""Probes an orchestrator relies on: /healthz says the process answers, /readyz that the
database answers as the app role and is at this code's head — or, during a rolling deploy, at the
next release's revision when its migrations declare they serve the previous code."""

from __future__ import annotations

import dataclasses
import os
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
from service.resources import MIGRATIONS_DIR
from service.runtime import start_runtime
from tests.factories import Factories
from tests.graphql import post_graphql


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


_LATER_MIGRATION = """
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None
{declaration}


def upgrade():
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("ALTER TABLE tenants ADD COLUMN {column} text")


def downgrade():
    op.execute("ALTER TABLE tenants DROP COLUMN {column}")
"""


def _next_release(folder, *, serves_previous_code: bool):
    """The next release's migrations folder: this code's migrations and one later (throwaway)
    migration adding a nullable column, as an expand step would."""
    (down,) = head_revisions()
    name = "expand" if serves_previous_code else "contract"
    folder.mkdir()
    (folder / f"9900_throwaway_{name}.py").write_text(
        _LATER_MIGRATION.format(
            revision=f"9900_throwaway_{name}",
            down=down,
            column=f"throwaway_{name}_note",
            declaration="serves_previous_code = True" if serves_previous_code else "",
        )
    )
    config = alembic_config()
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join([str(MIGRATIONS_DIR / "versions"), str(folder)])
    )
    return config


@pytest.fixture
async def database_of_this_release(server_url, settings):
    """A database at this code's head, and this code serving it."""
    name = f"casework_release_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(server_url, name)
    await upgrade_to_head(url)
    release_settings = dataclasses.replace(
        settings, database_url=url.render_as_string(hide_password=False)
    )
    started = await start_runtime(release_settings)
    yield url, create_app(release_settings, started)
    await started.close()
    await drop_database(server_url, name)


async def test_the_old_code_stays_ready_and_serving_after_an_expand_migration(
    database_of_this_release, tmp_path, tokens
):
    url, old_app = database_of_this_release
    factories = Factories(url)
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter)
    await factories.engine.dispose()

    await upgrade_to_head(url, config=_next_release(tmp_path / "next", serves_previous_code=True))

    ready = await _get(old_app, "/readyz")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=old_app), base_url="http://testserver"
    ) as http:
        served = await post_graphql(
            http, "{ me { subject jobcenter { slug } } }", headers=tokens.headers(case_manager)
        )

    assert ready.status_code == 200, ready.text
    assert ready.json()["revisions"] == ["9900_throwaway_expand"]
    assert ready.json()["codeRevisions"] == sorted(head_revisions())
    assert served.status_code == 200, served.text
    assert served.json()["data"]["me"] == {
        "subject": case_manager.subject,
        "jobcenter": {"slug": jobcenter.slug},
    }


async def test_the_old_code_is_not_ready_after_a_migration_that_does_not_serve_it(
    database_of_this_release, tmp_path
):
    url, old_app = database_of_this_release

    await upgrade_to_head(url, config=_next_release(tmp_path / "next", serves_previous_code=False))

    response = await _get(old_app, "/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "reason": "database revision not compatible with this code",
    }
