"""Cases (core) and clients' contact and household details.

The case-management issue grows `cases` and adds its tables in a migration of its own; referrals
and consents come in another, beside it (both revise this one).

Revision ID: 0002_cases_core
Revises: 0001_foundation
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0002_cases_core"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"
CLIENT_COLUMNS = (
    sa.Column("street", sa.String(200), nullable=True),
    sa.Column("postal_code", sa.String(10), nullable=True),
    sa.Column("city", sa.String(100), nullable=True),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("household_size", sa.Integer(), nullable=True),
    sa.Column("children_in_household", sa.Integer(), nullable=True),
)


def upgrade() -> None:
    for column in CLIENT_COLUMNS:
        op.add_column("clients", column)
    op.create_table(
        "cases",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.Column("client_id", UUID(as_uuid=True), nullable=False),
        sa.Column("status", sa.String(20), server_default=sa.text("'proposed'"), nullable=False),
        sa.Column("responsible_case_manager_id", UUID(as_uuid=True), nullable=True),
        sa.Column("deputy_case_manager_id", UUID(as_uuid=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_cases"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_cases_tenant_id_tenants"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name="fk_cases_tenant_id_clients",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "responsible_case_manager_id"],
            ["staff_users.tenant_id", "staff_users.id"],
            name="fk_cases_tenant_id_staff_users",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "deputy_case_manager_id"],
            ["staff_users.tenant_id", "staff_users.id"],
            name="fk_cases_tenant_id_staff_users_1",
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'declined', 'admitted', 'closed')",
            name="ck_cases_status_known",
        ),
    )
    op.create_index("ix_cases_client_id", "cases", ["client_id"])
    # At most one open case per client and jobcenter (issue: intake).
    op.execute(
        "CREATE UNIQUE INDEX uq_cases_one_open_per_client ON cases (tenant_id, client_id)"
        " WHERE status IN ('proposed', 'admitted')"
    )
    op.execute("ALTER TABLE cases ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE cases FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON cases USING (tenant_id = app_current_tenant())"
        " WITH CHECK (tenant_id = app_current_tenant())"
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON cases TO {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("cases")
    for column in reversed(CLIENT_COLUMNS):
        op.drop_column("clients", column.name)
