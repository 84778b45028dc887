"""Restriction (Sperrung) and erasure (Löschung) of a client's data.

Branches from the audit log beside the teams/indicators work; a later merge revision joins the
heads (the service upgrades to all heads).

Revision ID: 0010_restriction_erasure
Revises: 0006_audit_log
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0010_restriction_erasure"
down_revision: str | None = "0006_audit_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"


def upgrade() -> None:
    op.add_column("clients", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "client_restrictions",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.Column("client_id", UUID(as_uuid=True), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("restricted_by_id", UUID(as_uuid=True), nullable=False),
        sa.Column(
            "restricted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by_id", UUID(as_uuid=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_client_restrictions"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_client_restrictions_tenant_id_tenants"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name="fk_client_restrictions_tenant_id_client_id_clients",
        ),
    )
    op.execute(
        "CREATE UNIQUE INDEX uq_client_restrictions_one_active ON client_restrictions"
        " (tenant_id, client_id) WHERE lifted_at IS NULL"
    )
    op.execute("ALTER TABLE client_restrictions ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE client_restrictions FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON client_restrictions"
        " USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant())"
    )
    # A partner must learn that a client it works with is restricted, to be refused clearly.
    op.execute(
        "CREATE POLICY partner_via_referral ON client_restrictions FOR SELECT USING (EXISTS ("
        "SELECT 1 FROM referrals r WHERE r.tenant_id = client_restrictions.tenant_id"
        " AND r.client_id = client_restrictions.client_id"
        " AND r.partner_organisation_id = app_current_partner_organisation()))"
    )
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON client_restrictions TO {APP_ROLE}")
    # Erasure blanks free texts in place; these columns and no others.
    op.execute(f"GRANT UPDATE (text, next_appointment) ON progress_reports TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE (subject, detail) ON assessment_entries TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE (content) ON case_documents TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"REVOKE UPDATE (text, next_appointment) ON progress_reports FROM {APP_ROLE}")
    op.drop_table("client_restrictions")
    op.drop_column("clients", "erased_at")
