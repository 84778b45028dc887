"""The audit append routable on Citus (issue 19): `audit_append` works one jobcenter at a time,
and each of its statements on a table names that jobcenter as a constant `tenant_id`, so Citus
routes each to one shard (sql/functions/audit_append.sql). Before, its lookups joined the
unpacked arrays with `audit_kinds` and `audit_fields` on the arrays' tenant, which Citus refused
("complex joins are only supported when all distributed tables are co-located and joined on
their distribution columns"; docs/scale-out.md, "Third try").

On plain PostgreSQL the records, codes, lanes and the hash chain stay exactly as they were
(service/audit/verify.py checks records written before and after alike); the cost of a call is
measured in docs/scale-out.md ("Third try", bench/audit_append_cost.py against 0005).

Expand: the signature stays, so the release before this one calls the new body as it called the
old. `CREATE OR REPLACE FUNCTION` takes no lock on a table.

Revision ID: 0006_audit_append_routable
Revises: 0005_citus_ready
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

from service.db.sql_files import run_sql_file

revision: str = "0006_audit_append_routable"
down_revision: str | None = "0005_citus_ready"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# The same signature: the release before this one serves the database as well.
serves_previous_code = True


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    run_sql_file("functions/audit_append.sql")


def downgrade() -> None:
    # Forward-only (migrations/README.md): the previous body is in git history, not in a file;
    # it wrote the same records.
    pass
