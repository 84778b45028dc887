"""Row-level security holds on its own: connected directly as the service's database role, with
one jobcenter bound, no query reaches another jobcenter's rows, whatever the SQL says."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncConnection

from service.db.engine import Database, UnsafeDatabaseRole
from service.db.urls import APP_ROLE
from service.tenants.binding import scope_binding
from service.tenants.scope import Scope


@pytest.fixture
async def two_jobcenters(factories):
    home, other = await factories.jobcenter(), await factories.jobcenter()
    home_client = await factories.client(home)
    other_client = await factories.client(other)
    return home, home_client, other, other_client


@asynccontextmanager
async def as_app_role(
    runtime, *, tenant: uuid.UUID | None = None, organisation: uuid.UUID | None = None
) -> AsyncIterator[AsyncConnection]:
    """A raw connection as the app role, in one transaction bound like the service binds it,
    rolled back after (so nothing, settings included, outlives the test)."""
    async with runtime.database.engine.connect() as conn:
        await conn.execute(scope_binding(Scope(tenant, organisation)))
        try:
            yield conn
        finally:
            await conn.rollback()


async def test_connection_is_the_app_role(runtime):
    async with as_app_role(runtime) as conn:
        assert await conn.scalar(text("SELECT current_user")) == APP_ROLE


async def test_bound_jobcenter_sees_only_its_own_clients(runtime, two_jobcenters):
    home, home_client, other, _ = two_jobcenters

    async with as_app_role(runtime, tenant=home.id) as conn:
        seen = set(
            await conn.scalars(
                text("SELECT id FROM clients WHERE tenant_id IN (:a, :b)"),
                {"a": home.id, "b": other.id},
            )
        )

    assert seen == {home_client.id}


async def test_naming_the_other_jobcenter_in_sql_finds_nothing(runtime, two_jobcenters):
    home, _, other, other_client = two_jobcenters

    async with as_app_role(runtime, tenant=home.id) as conn:
        found = await conn.scalar(
            text("SELECT count(*) FROM clients WHERE tenant_id = :t AND id = :id"),
            {"t": other.id, "id": other_client.id},
        )

    assert found == 0


async def test_no_bound_scope_sees_no_rows(runtime, two_jobcenters):
    async with as_app_role(runtime) as conn:
        assert await conn.scalar(text("SELECT count(*) FROM clients")) == 0
        assert await conn.scalar(text("SELECT count(*) FROM staff_users")) == 0


async def test_cannot_write_rows_into_another_jobcenter(runtime, two_jobcenters):
    home, _, other, _ = two_jobcenters

    async with as_app_role(runtime, tenant=home.id) as conn:
        with pytest.raises(exc.DBAPIError, match="row-level security"):
            await conn.execute(
                text(
                    "INSERT INTO clients (tenant_id, customer_number, given_name, family_name)"
                    " VALUES (:t, 'X-1', 'Eva', 'Eindringling')"
                ),
                {"t": other.id},
            )


async def test_cannot_change_or_delete_another_jobcenters_rows(runtime, two_jobcenters):
    home, _, other, other_client = two_jobcenters

    async with as_app_role(runtime, tenant=home.id) as conn:
        updated = await conn.execute(
            text("UPDATE clients SET family_name = 'Geändert' WHERE id = :id"),
            {"id": other_client.id},
        )
        deleted = await conn.execute(
            text("DELETE FROM clients WHERE tenant_id = :t"), {"t": other.id}
        )

    assert (updated.rowcount, deleted.rowcount) == (0, 0)


async def test_app_role_cannot_switch_row_level_security_off(runtime, two_jobcenters):
    home, *_ = two_jobcenters

    async with as_app_role(runtime, tenant=home.id) as conn:
        with pytest.raises(exc.DBAPIError, match="must be owner"):
            await conn.execute(text("ALTER TABLE clients DISABLE ROW LEVEL SECURITY"))

    async with as_app_role(runtime, tenant=home.id) as conn:
        await conn.execute(text("SET LOCAL row_security = off"))
        with pytest.raises(exc.DBAPIError, match="row-level security"):
            await conn.execute(text("SELECT count(*) FROM clients"))


async def test_partner_sees_its_memberships_in_every_network_and_nothing_else(runtime, factories):
    north, south = await factories.jobcenter(), await factories.jobcenter()
    ours = await factories.organisation(north, south)
    theirs = await factories.organisation(north)

    async with as_app_role(runtime, organisation=ours.id) as conn:
        memberships = set(
            await conn.scalars(
                text(
                    "SELECT tenant_id FROM network_memberships"
                    " WHERE partner_organisation_id IN (:a, :b)"
                ),
                {"a": ours.id, "b": theirs.id},
            )
        )
        clients = await conn.scalar(text("SELECT count(*) FROM clients"))

    assert memberships == {north.id, south.id}
    assert clients == 0


async def test_service_refuses_to_start_as_a_role_that_bypasses_rls(owner_url, settings):
    # The owner of the embedded server is a superuser: exactly the misconfiguration to catch.
    database = Database(owner_url, settings)
    try:
        with pytest.raises(UnsafeDatabaseRole, match="BYPASSRLS"):
            await database.assert_row_level_security_applies()
    finally:
        await database.dispose()
