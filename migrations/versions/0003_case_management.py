"""Case management: intake, assessment, integration plan and steering, agreements, reviews,
after-care notes and documents.

Written for a live database: a short lock_timeout, so a busy `cases` table makes the migration
fail fast instead of queueing every request behind it. New columns on `cases` are nullable, so
adding them rewrites nothing.

Revision ID: 0003_case_management
Revises: 0002_cases_core
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0003_case_management"
down_revision: str | None = "0002_cases_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"

CASE_COLUMNS = (
    sa.Column("proposed_by_id", UUID(as_uuid=True), nullable=True),
    sa.Column("profile", sa.String(20), nullable=True),
    sa.Column("intake_reasoning", sa.Text(), nullable=True),
    sa.Column("decided_by_id", UUID(as_uuid=True), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("care_variant", sa.String(20), nullable=True),
    sa.Column("decision_reasoning", sa.Text(), nullable=True),
    sa.Column("decline_reason", sa.Text(), nullable=True),
    sa.Column("admitted_on", sa.Date(), nullable=True),
    sa.Column("next_review_due", sa.Date(), nullable=True),
    sa.Column("closed_on", sa.Date(), nullable=True),
    sa.Column("closing_reason", sa.String(40), nullable=True),
    sa.Column("closing_reasoning", sa.Text(), nullable=True),
    sa.Column("aftercare_until", sa.Date(), nullable=True),
)

# table → the privileges of the service's role. Agreements are immutable versions: no UPDATE.
TABLE_GRANTS = {
    "case_profiling_items": "SELECT, INSERT",
    "assessment_entries": "SELECT, INSERT, UPDATE",
    "plan_items": "SELECT, INSERT, UPDATE",
    "integration_agreements": "SELECT, INSERT",
    "case_reviews": "SELECT, INSERT",
    "aftercare_notes": "SELECT, INSERT",
    "case_documents": "SELECT, INSERT, UPDATE",
}


def _key(table: str) -> list:
    """tenant_id and id, the primary key leading with tenant_id, and the tenant foreign key."""
    return [
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant"),
    ]


def _case(table: str) -> list:
    return [
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"], name=f"fk_{table}_case"
        ),
    ]


def _staff(table: str, column: str, *, nullable: bool = False) -> list:
    return [
        sa.Column(column, UUID(as_uuid=True), nullable=nullable),
        sa.ForeignKeyConstraint(
            ["tenant_id", column],
            ["staff_users.tenant_id", "staff_users.id"],
            name=f"fk_{table}_{column}",
        ),
    ]


def _now(name: str) -> sa.Column:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    _extend_cases()
    _create_tables()
    for table in TABLE_GRANTS.keys() - {"integration_agreements"}:  # that one has its unique key
        op.create_index(f"ix_{table}_tenant_id_case_id", table, ["tenant_id", "case_id"])
    for table, privileges in TABLE_GRANTS.items():
        _isolate(table, privileges)


def _extend_cases() -> None:
    for column in CASE_COLUMNS:
        op.add_column("cases", column)
    for column in ("proposed_by_id", "decided_by_id"):
        op.create_foreign_key(
            f"fk_cases_{column}",
            "cases",
            "staff_users",
            ["tenant_id", column],
            ["tenant_id", "id"],
        )


def _create_tables() -> None:
    op.create_table(
        "case_profiling_items",
        *_key("case_profiling_items"),
        *_case("case_profiling_items"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
    )
    op.create_table(
        "assessment_entries",
        *_key("assessment_entries"),
        *_case("assessment_entries"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("subcategory", sa.String(40), nullable=False),
        sa.Column("data_category", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        *_staff("assessment_entries", "recorded_by_id"),
        _now("updated_at"),
        sa.Column("replaces_id", UUID(as_uuid=True), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "plan_items",
        *_key("plan_items"),
        *_case("plan_items"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("goal_id", UUID(as_uuid=True), nullable=True),
        sa.Column("sub_goal_id", UUID(as_uuid=True), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("resources", sa.Text(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("responsible", sa.String(20), nullable=True),
        sa.Column("partner_organisation_id", UUID(as_uuid=True), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        _now("created_at"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "goal_id"],
            ["plan_items.tenant_id", "plan_items.id"],
            name="fk_plan_items_goal",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "sub_goal_id"],
            ["plan_items.tenant_id", "plan_items.id"],
            name="fk_plan_items_sub_goal",
        ),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisations.id"],
            name="fk_plan_items_partner_organisation",
        ),
        sa.CheckConstraint(
            "kind IN ('goal', 'sub_goal', 'activity')", name="ck_plan_items_kind_known"
        ),
    )
    op.create_table(
        "integration_agreements",
        *_key("integration_agreements"),
        *_case("integration_agreements"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("plan", JSONB(), nullable=False),
        *_staff("integration_agreements", "concluded_by_id"),
        _now("concluded_at"),
        sa.UniqueConstraint(
            "tenant_id",
            "case_id",
            "number",
            name="uq_integration_agreements_tenant_id_case_id_number",
        ),
    )
    op.create_table(
        "case_reviews",
        *_key("case_reviews"),
        *_case("case_reviews"),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reasoning", sa.Text(), nullable=False),
        sa.Column("prognosis", sa.Text(), nullable=False),
        sa.Column("profile_before", sa.String(20), nullable=True),
        sa.Column("profile_after", sa.String(20), nullable=True),
        sa.Column("next_review_due", sa.Date(), nullable=False),
        *_staff("case_reviews", "author_id"),
        _now("created_at"),
    )
    op.create_table(
        "aftercare_notes",
        *_key("aftercare_notes"),
        *_case("aftercare_notes"),
        sa.Column("text", sa.Text(), nullable=False),
        *_staff("aftercare_notes", "author_id"),
        _now("created_at"),
    )
    op.create_table(
        "case_documents",
        *_key("case_documents"),
        *_case("case_documents"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("area", sa.String(20), nullable=False),
        *_staff("case_documents", "author_id"),
        _now("created_at"),
        sa.Column("access_until", sa.Date(), nullable=True),
        sa.Column(
            "visible_to_client", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "area IN ('integration', 'protected')", name="ck_case_documents_area_known"
        ),
    )


def _isolate(table: str, privileges: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING (tenant_id = app_current_tenant())"
        " WITH CHECK (tenant_id = app_current_tenant())"
    )
    op.execute(f"GRANT {privileges} ON {table} TO {APP_ROLE}")


def downgrade() -> None:
    for table in reversed(list(TABLE_GRANTS)):
        op.drop_table(table)
    for column in ("decided_by_id", "proposed_by_id"):
        op.drop_constraint(f"fk_cases_{column}", "cases", type_="foreignkey")
    for column in reversed(CASE_COLUMNS):
        op.drop_column("cases", column.name)
