"""Baseline: the whole schema from empty, as 0001_foundation … 0024_kooperationsplan left it.

The product was not deployed anywhere, so its 24 migrations (four of them rewriting the audit
layout, and converting between layouts no database holds) became this one step. Everything is
in `migrations/sql/`: the service's role (`schema/roles.sql`), each domain's tables with their
indexes, row-level security (enabled and forced), policies, grants and triggers
(`schema/*.sql`), the partner paths through referrals (`schema/partner_paths.sql`), one file
per SQL function (`functions/`) and view (`views/`), and the audit log's months ahead. A later
migration that changes a function edits its file and runs it again (migrations/README.md).

Differences from the database the 24 migrations built (pg_dump --schema-only of both):
- links are hashed with their lane always (lane 0 no longer left out: no link written before
  lanes exists), in `audit_append` and `service/audit/verify.py`;
- the check constraints carry the names the models' naming convention gives
  (`ck_cases_status_known`, not `ck_cases_ck_cases_status_known`);
- `ck_consents_deputy_named_with_end` is valid (it was NOT VALID to spare old deputy consents);
- the audit partitions run from January 2026 to a year ahead (0006 had made 36 fixed months).

Revision ID: 0001_baseline
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

from service.db.sql_files import run_sql_file

revision: str = "0001_baseline"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# In the order they depend on each other: the scope functions before the policies that call
# them, the erasure trigger's function before the tables that use it, `referrals` before the
# partner paths that look into it, the audit tables before the SQL functions that read them.
STEPS = (
    "schema/roles.sql",
    "functions/app_current_tenant.sql",
    "functions/app_current_partner_organisation.sql",
    "functions/refuse_update_outside_erasure.sql",
    "schema/tenants.sql",
    "schema/partners.sql",
    "schema/staff.sql",
    "schema/clients.sql",
    "schema/cases.sql",
    "schema/cooperation.sql",
    "schema/referrals.sql",
    "schema/consent.sql",
    "schema/partner_paths.sql",
    "schema/audit.sql",
    "functions/audit_append.sql",
    "functions/audit_anchor_heads.sql",
    "functions/audit_ensure_partitions.sql",
    "functions/audit_partition_months_ahead.sql",
    "views/audit_records.sql",
    "schema/audit_partitions.sql",
)
FUNCTIONS = (
    "audit_partition_months_ahead()",
    "audit_ensure_partitions(integer)",
    "audit_anchor_heads()",
    "audit_append(uuid[], uuid[], timestamptz[], text[], text[], uuid[], uuid[], uuid[], text[],"
    " text[], text[], uuid[], text[], integer[], integer[], integer[], uuid[], uuid[])",
    "refuse_update_outside_erasure()",
    "app_current_partner_organisation()",
    "app_current_tenant()",
)


def upgrade() -> None:
    for step in STEPS:
        run_sql_file(step)


def downgrade() -> None:
    # Every table but Alembic's own (a partitioned table takes its partitions along, CASCADE
    # the view on the audit tables). The role stays (other databases of the server may use it),
    # and so does its SELECT on alembic_version: /readyz of a running service reads it.
    tables = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT string_agg(quote_ident(relname), ', ') FROM pg_class"
            " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')"
            " AND NOT relispartition AND relname <> 'alembic_version'"
        )
        .scalar_one()
    )
    op.execute(f"DROP TABLE {tables} CASCADE")
    op.execute(f"DROP FUNCTION {', '.join(FUNCTIONS)}")
    op.execute("REVOKE USAGE ON SCHEMA public FROM casework_app")
