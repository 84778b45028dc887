"""The audit's entries without a foreign key to their jobcenter (issue 17, PostgreSQL's share).

Every entry row checked its `tenant_id` against `tenants`, one lookup per row: a case list of 50
writes 100 entries, and the check cost 0.7 ms of a 5.5–6.4 ms append (interleaved, 300 W1-sized
appends each way on the embedded PostgreSQL; the subject index, which the Auskunft needs, costs
another 0.35 ms). The check guarded nothing the log does not guard already: entries are written
only by `audit_append`, which takes their jobcenter from their request's header, and the
header (`audit_requests`) keeps its foreign key, so no jobcenter with records can go and no
entry can name one that does not exist.

Only a constraint dropped: the release before this one writes the same rows.

Revision ID: 0009_audit_entry_tenant_fk
Revises: 0008_case_list_indexes
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_audit_entry_tenant_fk"
down_revision: str | None = "0008_case_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
serves_previous_code = True


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "ALTER TABLE audit_entries DROP CONSTRAINT IF EXISTS fk_audit_entries_tenant_id_tenants"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE audit_entries ADD CONSTRAINT fk_audit_entries_tenant_id_tenants"
        " FOREIGN KEY (tenant_id) REFERENCES tenants (id)"
    )
