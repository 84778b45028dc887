"""An index on `id` alone for the tenant tables whose rows are fetched by id: the key
(tenant_id, id) cannot serve `WHERE id = ANY(…)` while row-level security adds the tenant only
as an OR-ed filter, so such lookups scanned the whole key index (77 ms for 50 clients among
100,000, bench/RESULTS.md). Plain CREATE INDEX (see 0012 on building them beforehand
CONCURRENTLY on a large live database).

Revision ID: 0014_row_id_indexes
Revises: 0013_audit_append_batched
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_row_id_indexes"
down_revision: str | None = "0013_audit_append_batched"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "clients",
    "cases",
    "assessment_entries",
    "plan_items",
    "case_documents",
    "staff_users",
    "teams",
    "referrals",
    "consents",
)


def upgrade() -> None:
    for table in TABLES:
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_{table}_id ON {table} (id)")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_id")
