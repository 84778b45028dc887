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

from service.db.migrate import alembic_config, upgrade_to_head
from tests.reach_checks import reach_differences

BEFORE_REACH = "0006_audit_append_routable"
# Data as 0006 held it: a client referred three times to two organisations (one referral of
# its case, one of an earlier case), one client referred nowhere, a status change, a plan item,
# a revoked consent to a partner and a revoked deputy consent (no grantee).
AT_0006 = [
    "INSERT INTO tenants (id, slug, name) VALUES (:t, 'jc-backfill', 'Jobcenter')",
    "INSERT INTO partner_organisations (id, slug, name)"
    " VALUES (:a, 'org-a', 'A'), (:b, 'org-b', 'B')",
    "INSERT INTO staff_users (tenant_id, id, subject, display_name) VALUES (:t, :s, 'fm', 'FM')",
    "INSERT INTO clients (tenant_id, id, customer_number, given_name, family_name)"
    " VALUES (:t, :c, '1', 'Erika', 'M'), (:t, gen_random_uuid(), '2', 'Max', 'M')",
    "INSERT INTO cases (tenant_id, id, client_id, status)"
    " VALUES (:t, :old, :c, 'closed'), (:t, :k, :c, 'admitted')",
    "INSERT INTO plan_items (tenant_id, case_id, kind, title)"
    " VALUES (:t, :k, 'goal', 'Ziel'), (:t, :old, 'goal', 'Alt')",
    "INSERT INTO referrals (tenant_id, id, case_id, client_id, partner_organisation_id,"
    " service_category, purpose, first_report_due, created_by_id) VALUES"
    " (:t, :r, :k, :c, :a, 'debt_counselling', 'p', current_date, :s),"
    " (:t, gen_random_uuid(), :k, :c, :a, 'debt_counselling', 'p', current_date, :s),"
    " (:t, gen_random_uuid(), :old, :c, :b, 'debt_counselling', 'p', current_date, :s)",
    "INSERT INTO referral_status_changes (tenant_id, referral_id, status, changed_by_kind,"
    " changed_by_id) VALUES (:t, :r, 'sent', 'staff', :s)",
    "INSERT INTO consents (tenant_id, id, client_id, purpose, grantee_organisation_id, direction,"
    " categories, explicit_special_categories, valid_from, valid_until, informed_content,"
    " informed_effects, informed_scope, informed_voluntariness, informed_benefit,"
    " recorded_by_kind, recorded_by_id, deputy_id) VALUES"
    " (:t, :g, :c, 'referral', :a, 'to_partner', '{identity}', false, now(), NULL,"
    "  true, true, true, true, true, 'staff', :s, NULL),"
    " (:t, :d, :c, 'deputy', NULL, 'to_partner', '{identity}', false, now(), now() + '1 day',"
    "  true, true, true, true, true, 'staff', :s, :s)",
    "INSERT INTO consent_revocations (tenant_id, consent_id, revoked_by_kind, revoked_by_id,"
    " channel) VALUES (:t, :g, 'client', :c, 'letter'), (:t, :d, 'client', :c, 'letter')",
]
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


async def test_the_reach_is_on_exactly_the_tables_that_had_an_exists_partner_policy(
    scratch_database,
):
    engine = create_async_engine(scratch_database, poolclass=pool.NullPool)

    def upgrade(sync_conn):
        config = alembic_config()
        config.attributes["connection"] = sync_conn
        command.upgrade(config, BEFORE_REACH)

    ids = {key: uuid.uuid4() for key in ("t", "a", "b", "s", "c", "old", "k", "r", "g", "d")}
    async with engine.begin() as conn:
        await conn.run_sync(upgrade)
        for statement in AT_0006:
            await conn.execute(text(statement), ids)
    before, _ = await _catalog(scratch_database)
    await upgrade_to_head(scratch_database)
    after, reached = await _catalog(scratch_database)
    async with engine.connect() as conn:
        backfill_differences = await reach_differences(conn)
        arrays = {
            table: sorted(map(str, await conn.scalars(text(f"SELECT reached_by FROM {table}"))))
            for table in ("clients", "cases", "plan_items")
        }
        links = (
            await conn.execute(
                text(
                    "SELECT (SELECT partner_organisation_id FROM referral_status_changes),"
                    " array_agg(grantee_organisation_id ORDER BY grantee_organisation_id)"
                    " FROM consent_revocations"
                )
            )
        ).one()
    await engine.dispose()

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

    assert backfill_differences == []
    assert arrays["clients"] == sorted(map(str, [None, sorted([ids["a"], ids["b"]])]))
    assert arrays["cases"] == sorted(map(str, [[ids["a"]], [ids["b"]]]))
    assert arrays["plan_items"] == arrays["cases"]
    assert links == (ids["a"], [ids["a"], None])
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
