"""Ready for Citus: the scope bound by SET LOCAL, audit partitions added shard by shard (issue 19).

- app_bind_scope(tenant, partner_organisation): binds both row-level-security settings of a
  transaction with SET LOCAL (sql/functions/app_bind_scope.sql). Citus forwards SET LOCAL to
  the workers, where the policies are evaluated, and never a set_config() call: bound by
  set_config() through the coordinator, a jobcenter's own client was not found (0 rows; 1 with
  SET LOCAL, docs/scale-out.md). One call with uuid parameters, as the set_config() statement
  was: still one round trip a transaction, one prepared statement for every tenant.
- audit_ensure_partitions runs its CREATE TABLE … PARTITION OF with
  citus.multi_shard_modify_mode = 'sequential' (a SET clause of the function): on Citus the
  partitions' foreign keys to the reference table `tenants` refused parallel DDL, so no month
  was added; plain PostgreSQL keeps the unknown dotted setting and ignores it.
- Functions only (one new, one replaced with the same signature): the release before this one,
  which binds with set_config(), serves the database as well.

Revision ID: 0005_citus_ready
Revises: 0004_audit_append_arrays
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

from service.db.sql_files import run_sql_file

revision: str = "0005_citus_ready"
down_revision: str | None = "0004_audit_append_arrays"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Only functions, the old ones kept: the release before this one serves the database as well.
serves_previous_code = True


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    run_sql_file("functions/app_bind_scope.sql")
    run_sql_file("functions/audit_ensure_partitions.sql")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(
        "ALTER FUNCTION audit_ensure_partitions(integer) RESET citus.multi_shard_modify_mode"
    )
    op.execute("DROP FUNCTION app_bind_scope(uuid, uuid)")
