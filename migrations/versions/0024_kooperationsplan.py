"""Potenzialanalyse and Kooperationsplan (§§ 15, 15a SGB II since 1 July 2023).

- New tables: potential_analyses and their items (classified per row, like profiling items: a
  need on addiction is addiction data), cooperation_plans (the versions of the plan, each with
  its legal basis), their joint reviews, conciliations (Schlichtung, § 15a) and cooperation
  requests (Aufforderungen mit Rechtsfolgenbelehrung).
- Existing integration agreements stay where they are and stay readable as `agreements`; each is
  also copied, under the same id, number, dates and snapshot, into cooperation_plans with the
  legal basis "Eingliederungsvereinbarung (§ 15 SGB II a. F.)" and as agreed (they were
  concluded), so a case's plan history reads in one list.
- Partners reach these rows through a referral to them, as the other case content (0005).
- Tables the service's role only inserts into get UPDATE on exactly the columns erasure blanks,
  behind the erasure-only trigger of 0019, as the other never-edited tables.

Revision ID: 0024_kooperationsplan
Revises: 0023_administration
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0024_kooperationsplan"
down_revision: str | None = "0023_administration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"
OLD_AGREEMENT = "Eingliederungsvereinbarung (§ 15 SGB II a. F.)"

TABLE_GRANTS = {
    "potential_analyses": "SELECT, INSERT",
    "potential_analysis_items": "SELECT, INSERT",
    "cooperation_plans": "SELECT, INSERT, UPDATE",
    "cooperation_plan_reviews": "SELECT, INSERT",
    "conciliations": "SELECT, INSERT, UPDATE",
    "cooperation_requests": "SELECT, INSERT",
}
# Insert-only tables: the free-text columns erasure blanks (service/clients/erasure.py).
ERASABLE_COLUMNS = {
    "potential_analysis_items": ("text",),
    "cooperation_plan_reviews": ("notes",),
    "cooperation_requests": ("action", "legal_consequences"),
}
COPY_AGREEMENTS = (
    "INSERT INTO cooperation_plans (tenant_id, id, case_id, number, legal_basis,"
    " valid_from, valid_until, review_due, plan, client_position, client_position_on,"
    " drawn_up_by_id, created_at)"
    " SELECT tenant_id, id, case_id, number, :basis, valid_from, valid_until,"
    " valid_until, plan, 'agreed', (concluded_at AT TIME ZONE 'Europe/Berlin')::date,"
    " concluded_by_id, concluded_at FROM integration_agreements"
)
ROW_ID_TABLES = ("potential_analyses", "cooperation_plans", "conciliations", "cooperation_requests")


def _key(table: str) -> list:
    return [
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants"
        ),
    ]


def _ref(
    table: str, column: str, target: str, *, nullable: bool = False, name: str | None = None
) -> list:
    return [
        sa.Column(column, UUID(as_uuid=True), nullable=nullable),
        sa.ForeignKeyConstraint(
            ["tenant_id", column],
            [f"{target}.tenant_id", f"{target}.id"],
            name=name or f"fk_{table}_tenant_id_{column}_{target}",
        ),
    ]


def _now(name: str) -> sa.Column:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    _create_tables()
    for table in TABLE_GRANTS:
        op.create_index(f"ix_{table}_case_id", table, ["case_id"])
    for table in ROW_ID_TABLES:
        op.create_index(f"ix_{table}_id", table, ["id"])
    for table, privileges in TABLE_GRANTS.items():
        _isolate(table, privileges)
    for table, columns in ERASABLE_COLUMNS.items():
        op.execute(f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {APP_ROLE}")
        op.execute(
            f"CREATE TRIGGER erasure_only BEFORE UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure()"
        )
    _migrate_agreements()


def _create_tables() -> None:
    op.create_table(
        "potential_analyses",
        *_key("potential_analyses"),
        *_ref("potential_analyses", "case_id", "cases"),
        sa.Column("conducted_on", sa.Date(), nullable=False),
        *_ref("potential_analyses", "conducted_by_id", "staff_users"),
        _now("created_at"),
    )
    op.create_table(
        "potential_analysis_items",
        *_key("potential_analysis_items"),
        *_ref("potential_analysis_items", "case_id", "cases"),
        *_ref(
            "potential_analysis_items",
            "analysis_id",
            "potential_analyses",
            name="fk_potential_analysis_items_analysis",
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subcategory", sa.String(40), nullable=False),
        sa.Column("data_category", sa.String(40), nullable=False),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.CheckConstraint(
            "kind IN ('strength', 'need', 'client_view')",
            name="ck_potential_analysis_items_kind_known",
        ),
    )
    op.create_table(
        "cooperation_plans",
        *_key("cooperation_plans"),
        *_ref("cooperation_plans", "case_id", "cases"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.String(60), nullable=False),
        *_ref(
            "cooperation_plans",
            "potential_analysis_id",
            "potential_analyses",
            nullable=True,
            name="fk_cooperation_plans_potential_analysis",
        ),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("superseded_from", sa.Date(), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=False),
        sa.Column("plain_text", sa.Text(), nullable=True),
        sa.Column("plan", JSONB(), nullable=False),
        sa.Column("client_position", sa.String(20), nullable=False),
        sa.Column("client_position_on", sa.Date(), nullable=True),
        sa.Column("client_position_note", sa.Text(), nullable=True),
        *_ref("cooperation_plans", "drawn_up_by_id", "staff_users"),
        _now("created_at"),
        sa.UniqueConstraint(
            "tenant_id", "case_id", "number", name="uq_cooperation_plans_tenant_id_case_id_number"
        ),
        sa.CheckConstraint(
            "client_position IN ('pending', 'agreed', 'disagreed')",
            name="ck_cooperation_plans_position_known",
        ),
    )
    op.create_table(
        "cooperation_plan_reviews",
        *_key("cooperation_plan_reviews"),
        *_ref("cooperation_plan_reviews", "case_id", "cases"),
        *_ref("cooperation_plan_reviews", "plan_id", "cooperation_plans"),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("with_client", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_review_due", sa.Date(), nullable=False),
        *_ref("cooperation_plan_reviews", "author_id", "staff_users"),
        _now("created_at"),
    )
    op.create_table(
        "conciliations",
        *_key("conciliations"),
        *_ref("conciliations", "case_id", "cases"),
        *_ref("conciliations", "plan_id", "cooperation_plans"),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.String(20), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        *_ref("conciliations", "recorded_by_id", "staff_users"),
        _now("created_at"),
        sa.CheckConstraint(
            "status IN ('open', 'agreed', 'not_agreed')", name="ck_conciliations_status_known"
        ),
        sa.CheckConstraint(
            "requested_by IN ('client', 'jobcenter', 'both')",
            name="ck_conciliations_requester_known",
        ),
    )
    op.create_table(
        "cooperation_requests",
        *_key("cooperation_requests"),
        *_ref("cooperation_requests", "case_id", "cases"),
        *_ref("cooperation_requests", "plan_id", "cooperation_plans", nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("legal_consequences", sa.Text(), nullable=False),
        *_ref("cooperation_requests", "issued_by_id", "staff_users"),
        _now("created_at"),
    )


def _isolate(table: str, privileges: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING (tenant_id = app_current_tenant())"
        " WITH CHECK (tenant_id = app_current_tenant())"
    )
    op.execute(f"GRANT {privileges} ON {table} TO {APP_ROLE}")
    # Partners reach the rows through a referral made to them, like the rest of a case's content
    # (0005); which fields they read is the guard's and the consent's decision.
    op.execute(
        f"CREATE POLICY partner_via_referral ON {table} FOR SELECT USING ("
        "EXISTS (SELECT 1 FROM referrals r"
        f" WHERE r.tenant_id = {table}.tenant_id AND r.case_id = {table}.case_id"
        " AND r.partner_organisation_id = app_current_partner_organisation()))"
    )


def _migrate_agreements() -> None:
    """Run as the owner, which row-level security does not confine (migrations are a deploy
    step), so every jobcenter's agreements are copied. Review due at the end of the agreement:
    the old law reviewed an agreement when it ran out (§ 15 Abs. 3 a. F.)."""
    op.execute(sa.text(COPY_AGREEMENTS).bindparams(basis=OLD_AGREEMENT))


def downgrade() -> None:
    for table in reversed(list(TABLE_GRANTS)):
        op.drop_table(table)
