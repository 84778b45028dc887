"""A client's audit entries in time order (subject_id, occurred_at) instead of by subject alone:
a page of the Auskunft read from the index instead of grouping every entry of a month.

The Auskunft pages a client's occasions newest first (service/access_report/log.py). The index
on subject_id alone could not say which entries are the newest, so a page grouped and sorted
every entry of the client in the newest month (a month, then two, four, … until the page was
full): the cost of a page grew with every read of the client — W4 in the bench went 14.1 → 4.1
→ 3.1 requests/s as its clients' records grew (bench/RESULTS.md). Measured on the embedded
PostgreSQL as `casework_app`, scope bound, warm, a page of 20 for a client with 20,000 entries
over three months (98,000 in the jobcenter): 6,748 entries grouped, 13,887 buffers, 12.5–18.5
ms; with this index the page's requests are read in its order and only their entries grouped
(service/access_report/log.py): ≈ 50 entries, 250–360 buffers, 0.6–0.7 ms — the same for a
client with 1,000 entries or 20,000, on the first page or the fiftieth. End to end
(build_report, median of 40–60 interleaved): 12.7–14.7 / 15.6–17.1 / 26.4–26.9 ms for clients
with 1,000 / 5,000 / 20,000 entries before, 13.4–14.4 / 12.4–14.5 / 12.0–14.4 ms after.

The index serves every lookup by subject alone as the old one did, which goes. It costs more:
deduplication now merges only one request's entries of a client (a case list's client and
case), so for case lists (50 cases, client and case each; 1,000 appends interleaved into two
databases) it took 43 bytes an entry against 12, the log's ≈ 177 bytes an entry (heap 104, key
61) ≈ 18 % more, and an append of those 100 entries 3.97 against 3.79 ms (median).

Written for a live database (migrations/README.md): on a large log build each month's index
first with CREATE INDEX CONCURRENTLY, named as PostgreSQL names it
(`audit_entries_YYYY_MM_subject_id_occurred_at_idx ON audit_entries_YYYY_MM (subject_id,
occurred_at)`); CREATE INDEX on the partitioned table then attaches those it finds instead of
building them. Partitions made later (audit_ensure_partitions) get it from the parent. Only an
index changed: the release before this one serves the database as well (its month windows read
by subject and time, which this index serves).

Revision ID: 0011_audit_subject_in_time_order
Revises: 0010_case_list_in_order
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_audit_subject_in_time_order"
down_revision: str | None = "0010_case_list_in_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
serves_previous_code = True


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_audit_entries_subject_id_occurred_at"
        " ON audit_entries (subject_id, occurred_at)"
    )
    op.execute("DROP INDEX IF EXISTS ix_audit_entries_subject_id")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_audit_entries_subject_id ON audit_entries (subject_id)"
    )
    op.execute("DROP INDEX IF EXISTS ix_audit_entries_subject_id_occurred_at")
