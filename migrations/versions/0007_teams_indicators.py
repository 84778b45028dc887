"""Teams of a jobcenter, and staff's membership in one, for indicators per team.

A team is an organisational unit (e.g. "Fallmanagement Team 1"); its figures are shown only as
aggregates over enough case managers and cases (service/indicators/). Written for a live
database: a short lock_timeout, and the new column on `staff_users` is nullable, so adding it
rewrites nothing.

Revision ID: 0007_teams_indicators
Revises: 0006_audit_log
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0007_teams_indicators"
down_revision: str | None = "0006_audit_log"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        "teams",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_teams"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_teams_tenant_id_tenants"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_teams_tenant_id_name"),
    )
    op.execute("ALTER TABLE teams ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE teams FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY tenant_isolation ON teams USING (tenant_id = app_current_tenant())"
        " WITH CHECK (tenant_id = app_current_tenant())"
    )
    # Teams are kept by administration (and the demo seed), not through the API: read only.
    op.execute(f"GRANT SELECT ON teams TO {APP_ROLE}")
    op.add_column("staff_users", sa.Column("team_id", UUID(as_uuid=True), nullable=True))
    op.create_foreign_key(
        "fk_staff_users_tenant_id_team_id_teams",
        "staff_users",
        "teams",
        ["tenant_id", "team_id"],
        ["tenant_id", "id"],
    )
    op.create_index("ix_staff_users_tenant_id_team_id", "staff_users", ["tenant_id", "team_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_users_tenant_id_team_id", table_name="staff_users")
    op.drop_constraint("fk_staff_users_tenant_id_team_id_teams", "staff_users", type_="foreignkey")
    op.drop_column("staff_users", "team_id")
    op.drop_table("teams")
