"""Row-level security decides on the row alone (issue 19, item 1): no policy holds a subquery,
which Citus refuses in a policy of a distributed table, and every table whose rows a partner
reaches carries what its partner policy compares. Read from the database catalog, as
test_citus_rules.py reads it; and the reach is derived from the database too — the tables that
had an EXISTS partner policy at 0006 are exactly those that carry it since 0007."""

from __future__ import annotations

import re
import uuid

import pytest
from alembic import command
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.db.admin import drop_database, ensure_database
from service.db.migrate import alembic_config, upgrade_to_head

BEFORE_REACH = "0006_audit_append_routable"
PARTNER = "app_current_partner_organisation()"
SUBQUERY = re.compile(r"\b(exists|select)\b", re.IGNORECASE)
POLICIES = text(
    "SELECT tablename, policyname, qual, with_check FROM pg_policies WHERE schemaname = 'public'"
)
REACHED_TABLES = text(
    "SELECT table_name FROM information_schema.columns"
    " WHERE table_schema = 'public' AND column_name = 'reached_by'"
)
# The partner policies' only shapes: the organisations on the row, or its one organisation.
ON_THE_ROW = {
    f"({PARTNER} = ANY (reached_by))",
    f"(partner_organisation_id = {PARTNER})",
    f"(grantee_organisation_id = {PARTNER})",
    f"(organisation_id = {PARTNER})",  # a partner organisation's own users
}


async def _catalog(url) -> tuple[list, set[str]]:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        policies = (await conn.execute(POLICIES)).all()
        reached = set(await conn.scalars(REACHED_TABLES))
    await engine.dispose()
    return policies, reached


def _partner_expressions(policies) -> list[tuple[str, str]]:
    return [
        (policy.tablename, expression)
        for policy in policies
        for expression in (policy.qual, policy.with_check)
        if expression and PARTNER in expression
    ]


@pytest.fixture(scope="module")
async def catalog(owner_url):
    return await _catalog(owner_url)


async def test_no_policy_holds_a_subquery(catalog):
    policies, _ = catalog
    with_subquery = [
        f"{policy.tablename}.{policy.policyname}"
        for policy in policies
        if any(SUBQUERY.search(expression or "") for expression in (policy.qual, policy.with_check))
    ]

    assert len(policies) > 40
    assert with_subquery == []


async def test_every_partner_policy_compares_the_row_with_the_organisation(catalog):
    policies, reached = catalog
    expressions = _partner_expressions(policies)
    by_reach = {table for table, expression in expressions if "reached_by" in expression}

    assert {expression for _, expression in expressions} <= ON_THE_ROW
    assert by_reach == reached
    assert {"clients", "cases", "plan_items", "client_restrictions"} <= reached


async def test_the_service_role_may_extend_the_reach_and_nothing_else_of_it(owner_url, catalog):
    _, reached = catalog
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        refused = [
            table
            for table in sorted(reached)
            if not await conn.scalar(
                text("SELECT has_column_privilege('casework_app', :t, 'reached_by', 'UPDATE')"),
                {"t": table},
            )
        ]
    await engine.dispose()

    assert refused == []


@pytest.fixture
async def scratch_database(server_url):
    name = f"casework_scratch_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(server_url, name)
    yield url
    await drop_database(server_url, name)


async def test_the_reach_is_on_exactly_the_tables_that_had_an_exists_partner_policy(
    scratch_database,
):
    engine = create_async_engine(scratch_database, poolclass=pool.NullPool)

    def upgrade(sync_conn):
        config = alembic_config()
        config.attributes["connection"] = sync_conn
        command.upgrade(config, BEFORE_REACH)

    async with engine.begin() as conn:
        await conn.run_sync(upgrade)
    await engine.dispose()
    before, _ = await _catalog(scratch_database)
    await upgrade_to_head(scratch_database)
    after, reached = await _catalog(scratch_database)

    subqueries = [(t, e) for t, e in _partner_expressions(before) if SUBQUERY.search(e)]
    # A client's or a case's rows: the EXISTS matched the referral's client or case.
    through_a_client_or_case = {
        table
        for table, expression in subqueries
        if re.search(r"r\.(case_id|client_id) = ", expression)
    }
    # A referral's or consent's rows: the EXISTS matched the parent's id.
    through_a_parent = {table for table, _ in subqueries} - through_a_client_or_case
    now = dict(_partner_expressions(after))

    assert len(through_a_client_or_case) == 17
    assert reached == through_a_client_or_case
    assert through_a_parent == {
        "referral_status_changes",
        "progress_reports",
        "consent_revocations",
    }
    assert {table: "reached_by" not in now[table] for table in through_a_parent} == dict.fromkeys(
        through_a_parent, True
    )
