"""The audit append as typed arrays (issue 17): `audit_append(jsonb)` replaced by one function
taking one array per column, in three groups — links (a request's header per jobcenter), shapes
(a jobcenter's kind and field set, the names comma-joined) and entries (one per object).

Measured (FIELD-NOTES.md, "Throughput: what a fast path reached"; bench/audit_append_cost.py):
walking the jsonb in plpgsql cost 1.6–1.8× the typed-array form; the arrays go as text
literals, which PostgreSQL parses faster than asyncpg checks an array parameter's elements
(180 → 53 µs for 700 values). The tables, codes, masks, lanes and the hash chain stay exactly
as they are (service/audit/verify.py checks records written before and after alike).

Contract, not expand: the previous release calls `audit_append(jsonb)`, which is gone, so its
pods would answer every request 503 AUDIT_UNAVAILABLE (fail closed, nothing leaves unrecorded);
without `serves_previous_code` their /readyz says so and they leave the service until the new
pods are ready — a short outage for the rollout (deploy/README.md). Dropping and creating a
function takes no lock on a table.

Revision ID: 0004_audit_append_arrays
Revises: 0003_plan_changes
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

from service.db.sql_files import run_sql_file

revision: str = "0004_audit_append_arrays"
down_revision: str | None = "0003_plan_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS audit_append(jsonb)")
    run_sql_file("functions/audit_append.sql")


def downgrade() -> None:
    # Forward-only (migrations/README.md): the jsonb form is in git history, not in a file;
    # the typed form stays, and the baseline's downgrade drops it.
    pass
