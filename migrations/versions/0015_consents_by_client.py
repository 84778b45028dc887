"""Consents looked up by client alone (the deputy consents of a page of cases): the
(tenant_id, client_id) index cannot serve it while row-level security adds the tenant only as
an OR-ed filter (see 0014).

Revision ID: 0015_consents_by_client
Revises: 0014_row_id_indexes
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_consents_by_client"
down_revision: str | None = "0014_row_id_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS ix_consents_client_id ON consents (client_id)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_consents_client_id")
