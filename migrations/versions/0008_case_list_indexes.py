"""Indexes the case list reads by (issue 17, PostgreSQL's share of W1).

- cases (handed_over_to_id), partial: a member of staff's cases are those they are responsible
  for, deputy of, proposed, or were handed over back (the placement officer after closure,
  0003). The last had no index, so the OR of the four could not be a BitmapOr of indexes and
  every case list scanned the whole jobcenter's cases: at the bench's scale 0.1 (10,000 cases)
  a seq scan of 3.3 ms, against 1.3 ms over the four indexes (EXPLAIN ANALYZE as the app role,
  239 rows for a page of 51) — and a cost that grew with the jobcenter, not the caseload.
  Partial: only cases handed over carry it.
- consents (client_id, purpose) instead of (client_id): a case list reads the deputy consents
  of its deputy cases' clients; the index on the client alone fetched all their consents from
  the heap to keep one in five (654 rows, 649 heap blocks, 7.2 ms cold), the pair fetches the
  119 it needs (1.6 ms). It serves every lookup by client alone as the old one did.

Written for a live database (migrations/README.md): on a large table build the indexes first
with CREATE INDEX CONCURRENTLY under these names; this migration then finds them. Only indexes:
the release before this one serves the database as well.

Revision ID: 0008_case_list_indexes
Revises: 0007_partner_reach_on_rows
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008_case_list_indexes"
down_revision: str | None = "0007_partner_reach_on_rows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
serves_previous_code = True


def upgrade() -> None:
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_cases_handed_over_to_id ON cases (handed_over_to_id)"
        " WHERE handed_over_to_id IS NOT NULL"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_consents_client_id_purpose ON consents (client_id, purpose)"
    )
    op.execute("DROP INDEX IF EXISTS ix_consents_client_id")


def downgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS ix_consents_client_id ON consents (client_id)")
    op.execute("DROP INDEX IF EXISTS ix_consents_client_id_purpose")
    op.execute("DROP INDEX IF EXISTS ix_cases_handed_over_to_id")
