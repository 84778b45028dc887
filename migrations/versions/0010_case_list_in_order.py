"""The jobcenter's cases in list order (tenant, created_at, id): a page of a team lead's case
list read from the index instead of sorting the whole jobcenter.

A team lead lists every case of the jobcenter, oldest first (service/cases/listing.py,
EVERY_CASE), in pages of up to 100 with a keyset cursor. No index served that order: every
page scanned the cases table and sorted the jobcenter's. At the bench's scale 0.1 (10,000
cases, 5,000 a jobcenter; EXPLAIN ANALYZE as `casework_app`, warm): first page 3.3 ms (a seq
scan of both jobcenters, 19 ms cold), a page from the middle 1.9 ms, admitted cases only 2.3 ms;
with this index each 0.04 ms, 51 rows read — and a cost that no longer grows with the jobcenter
(or, on one server, with every other jobcenter's cases).

Written for a live database (migrations/README.md): on a large table build the index first with
CREATE INDEX CONCURRENTLY under this name; this migration then finds it. Only an index: the
release before this one serves the database as well.

Revision ID: 0010_case_list_in_order
Revises: 0009_audit_entry_tenant_fk
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_case_list_in_order"
down_revision: str | None = "0009_audit_entry_tenant_fk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
serves_previous_code = True


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_cases_tenant_id_created_at"
        " ON cases (tenant_id, created_at, id)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_cases_tenant_id_created_at")
