"""Indexes on the access paths the benchmark found scanning (bench/RESULTS.md): a case manager's
cases (responsible or deputy), a case's referrals (the partner RLS path to case content), a
referral's consents. Plain CREATE INDEX inside the migration's transaction (lock_timeout set
by env.py): on a large live database build them beforehand with CREATE INDEX CONCURRENTLY under
the same names — this migration then finds them (IF NOT EXISTS) and only records the step.

Revision ID: 0012_access_path_indexes
Revises: 0011_merge_heads
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_access_path_indexes"
down_revision: str | None = "0011_merge_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    (
        "ix_cases_tenant_id_responsible_case_manager_id",
        "cases",
        "tenant_id, responsible_case_manager_id",
    ),
    ("ix_cases_tenant_id_deputy_case_manager_id", "cases", "tenant_id, deputy_case_manager_id"),
    ("ix_referrals_tenant_id_case_id", "referrals", "tenant_id, case_id"),
    ("ix_consents_tenant_id_referral_id", "consents", "tenant_id, referral_id"),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def downgrade() -> None:
    for name, _, _ in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
