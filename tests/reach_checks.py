"""What the partner reach on the rows must be, computed from `referrals` and `consents` alone —
the question the EXISTS policies asked at read time until migration 0007 — and where the rows
say otherwise. Read from the database catalog, not from the service's models, so the check
does not share its mistakes with the code that writes the arrays (service/tenants/reach.py).
Also what an operator runs to check a live database: every row listed is wrong."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

REACHED_TABLES = text(
    "SELECT table_name FROM information_schema.columns"
    " WHERE table_schema = 'public' AND column_name = 'reached_by' ORDER BY table_name"
)
COLUMNS = text(
    "SELECT column_name FROM information_schema.columns"
    " WHERE table_schema = 'public' AND table_name = :table"
)
# A row hangs off one referral or consent and carries its organisation (migration 0007).
LINKS = (
    ("referral_status_changes", "referral_id", "referrals", "partner_organisation_id"),
    ("progress_reports", "referral_id", "referrals", "partner_organisation_id"),
    ("consent_revocations", "consent_id", "consents", "grantee_organisation_id"),
)


async def reach_by(conn: AsyncConnection) -> dict[str, tuple[str, str]]:
    """table → (the referral's column that reaches it, the row's column it is matched with):
    clients by the referral's client, cases by its case, a case's content by the case, what
    else names a client (the restrictions) by the client."""
    tables = {}
    for table in await conn.scalars(REACHED_TABLES):
        columns = set(await conn.scalars(COLUMNS, {"table": table}))
        if table == "clients":
            tables[table] = ("client_id", "id")
        elif table == "cases":
            tables[table] = ("case_id", "id")
        elif "case_id" in columns:
            tables[table] = ("case_id", "case_id")
        else:
            tables[table] = ("client_id", "client_id")
    return tables


def _tenant_filter(tenants: list[uuid.UUID] | None) -> str:
    return "" if tenants is None else " AND x.tenant_id = ANY (CAST(:tenants AS uuid[]))"


async def reach_differences(
    conn: AsyncConnection, tenants: list[uuid.UUID] | None = None
) -> list[str]:
    """`table id: has …, referrals give …` for every row whose organisations are not exactly
    (as a set, without repeats; NULL for none) those its referrals or its parent give."""
    wrong = []
    params = {"tenants": tenants}
    for table, (by, column) in (await reach_by(conn)).items():
        rows = await conn.execute(
            text(
                "SELECT x.id AS row, x.reached_by AS has, r.organisations AS expected"
                f" FROM {table} x LEFT JOIN ("
                f"  SELECT tenant_id, {by} AS key,"
                "   array_agg(DISTINCT partner_organisation_id ORDER BY partner_organisation_id)"
                f"  AS organisations FROM referrals GROUP BY tenant_id, {by}"
                f" ) r ON r.tenant_id = x.tenant_id AND r.key = x.{column}"
                " WHERE CASE WHEN x.reached_by IS NULL THEN NULL"
                "  ELSE ARRAY(SELECT e FROM unnest(x.reached_by) e ORDER BY e) END"
                f"  IS DISTINCT FROM r.organisations{_tenant_filter(tenants)}"
            ),
            params,
        )
        wrong += [
            f"{table} {row.row}: has {row.has}, referrals give {row.expected}" for row in rows
        ]
    for table, key, parent, column in LINKS:
        rows = await conn.execute(
            text(
                f"SELECT x.{key} AS row, x.{column} AS has, p.{column} AS expected"
                f" FROM {table} x JOIN {parent} p ON p.tenant_id = x.tenant_id AND p.id = x.{key}"
                f" WHERE x.{column} IS DISTINCT FROM p.{column}{_tenant_filter(tenants)}"
            ),
            params,
        )
        wrong += [f"{table} {row.row}: has {row.has}, {parent} give {row.expected}" for row in rows]
    return wrong
