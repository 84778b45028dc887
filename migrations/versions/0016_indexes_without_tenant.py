"""Indexes on the columns rows are looked up by, without the tenant in front.

Row-level security adds the tenant only as an OR-ed filter (tenant, or a partner's path), so an
index led by tenant_id cannot serve `case_id IN (…)`, `referral_id IN (…)` or a member of
staff's `responsible_case_manager_id = $1 OR deputy_case_manager_id = $1`: PostgreSQL scanned
the whole index (0014 and 0015 found the same for ids and consents by client). Measured on the
benchmark's data as the service role (bench/RESULTS.md, sixth run): a partner's assessment
entries for 13 cases 34 ms → < 1 ms; a placement officer's cases (`proposed_by_id`, no index
at all) 15.7 ms → 0.17 ms. Each tenant-led index is replaced, so writes pay no more than before.
Plain CREATE INDEX (see 0012 on building them beforehand CONCURRENTLY).

Revision ID: 0016_indexes_without_tenant
Revises: 0015_consents_by_client
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_indexes_without_tenant"
down_revision: str | None = "0015_consents_by_client"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Looked up by these columns alone.
NEW = (
    ("cases", "responsible_case_manager_id"),
    ("cases", "deputy_case_manager_id"),
    ("cases", "proposed_by_id"),
    ("case_profiling_items", "case_id"),
    ("assessment_entries", "case_id"),
    ("plan_items", "case_id"),
    ("case_reviews", "case_id"),
    ("aftercare_notes", "case_id"),
    ("case_documents", "case_id"),
    ("referrals", "case_id"),
    ("referrals", "client_id"),
    ("referral_status_changes", "referral_id"),
    ("progress_reports", "referral_id"),
    ("consents", "referral_id"),
)
# The (tenant_id, column) indexes they replace; consents (client_id) came with 0015.
REPLACED = (
    *((table, column) for table, column in NEW if column != "proposed_by_id"),
    ("consents", "client_id"),
)


def upgrade() -> None:
    for table, column in NEW:
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_{table}_{column} ON {table} ({column})")
    for table, column in REPLACED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_tenant_id_{column}")


def downgrade() -> None:
    for table, column in REPLACED:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_{table}_tenant_id_{column}"
            f" ON {table} (tenant_id, {column})"
        )
    for table, column in NEW:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}")
