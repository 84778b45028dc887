"""Partner visibility without subqueries in row-level security (issue 19, item 1, option (b)).

Why: the 20 partner policies were `EXISTS (SELECT … FROM referrals …)` (or `… FROM consents`),
and Citus refuses every subquery in a policy of a distributed table (docs/scale-out.md, first
try); a policy function reading another table fails on the workers too. So what the subquery
derived is now on the row, and every policy compares the row alone:

- `reached_by uuid[]` on clients, their restrictions, cases and the 14 tables of a case's
  content that had a partner policy: the organisations that reach the row through any referral,
  open or ended, as before (which fields is the guard's and the consent's business). NULL where
  none does. Policy: `app_current_partner_organisation() = ANY (reached_by)`. Kept right by the
  service at the flush, not by a trigger (service/tenants/reach.py).
- `partner_organisation_id` on referral status changes and progress reports, NOT NULL, with a
  foreign key `(tenant_id, referral_id, partner_organisation_id)` to a new unique key of
  `referrals`: no other value than the referral's is possible. Likewise the grantee on consent
  revocations, to a unique key of `consents` (NULL where the consent is to no partner, and there
  the key checks nothing). Policies: plain column comparisons, WITH CHECK too.
- The `erasure_only` trigger of the never-edited reached tables passes an update of the reach
  alone (sql/functions/refuse_update_outside_erasure.sql); the service's role may UPDATE
  `reached_by`, nothing more than before besides.

Backfilled here from `referrals` and `consents`, one jobcenter at a time (bound by
`app_bind_scope`, as row-level security is forced for the owner too).

Cost: ≈ 40 bytes a reached row (array header and one uuid; NULL costs a bit of the null
bitmap), 16 bytes a status change, report and revocation, and the two unique indexes (referrals,
consents). A new referral updates its client, case and content in one statement a table. Reads
as cheap as before (docs/scale-out.md: 1.6 against 1.2 ms for 50 clients, within the noise).
Locks: the columns are nullable without defaults (no rewrite); the foreign keys are added NOT
VALID and validated after; NOT NULL is set after a validated CHECK, so it needs no scan of its
own. But the migration is one transaction: the ACCESS EXCLUSIVE locks of ADD COLUMN and ALTER
POLICY on these 22 tables are held through the backfill — minutes for a large jobcenter's
data, so run it in a maintenance window there (it is seconds for the demo and tests).

Not compatible with the previous release: its status changes and reports lack the new NOT NULL
column, and its referrals would not extend the reach (partners would miss rows): so
`serves_previous_code` is False, and old pods stop being ready once this is applied.

Revision ID: 0007_partner_reach_on_rows
Revises: 0006_audit_append_routable
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from service.db.sql_files import run_sql_file

revision: str = "0007_partner_reach_on_rows"
down_revision: str | None = "0006_audit_append_routable"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# The previous release writes status changes and reports without the new column (above).
serves_previous_code = False

APP_ROLE = "casework_app"
PARTNER = "app_current_partner_organisation()"
# The tables a partner reached through `EXISTS (… referrals …)` at 0006, and by which of the
# referral's columns: the root itself (`id`), or the row's case or client.
REACHED: dict[str, tuple[str, str]] = {
    "clients": ("client_id", "id"),
    "client_restrictions": ("client_id", "client_id"),
    "cases": ("case_id", "id"),
    **{
        table: ("case_id", "case_id")
        for table in (
            "case_profiling_items",
            "assessment_entries",
            "plan_items",
            "plan_item_revisions",
            "integration_agreements",
            "case_reviews",
            "aftercare_notes",
            "case_documents",
            "potential_analyses",
            "potential_analysis_items",
            "cooperation_plans",
            "cooperation_plan_reviews",
            "conciliations",
            "cooperation_requests",
        )
    },
}
# Rows hanging off one referral or consent: (table, its key to the parent, parent, column).
LINKED = (
    ("referral_status_changes", "referral_id", "referrals", "partner_organisation_id"),
    ("progress_reports", "referral_id", "referrals", "partner_organisation_id"),
    ("consent_revocations", "consent_id", "consents", "grantee_organisation_id"),
)
LINK_NAMES = {
    "referral_status_changes": "fk_referral_status_changes_referral_partner",
    "progress_reports": "fk_progress_reports_referral_partner",
    "consent_revocations": "fk_consent_revocations_consent_grantee",
}
UNIQUE_KEYS = {
    "referrals": ("uq_referrals_tenant_id_id_partner_organisation_id", "partner_organisation_id"),
    "consents": ("uq_consents_tenant_id_id_grantee_organisation_id", "grantee_organisation_id"),
}
NOT_NULL = ("referral_status_changes", "progress_reports")
POLICY = {"consent_revocations": "partner_consents"}  # the others: partner_referrals


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    run_sql_file("functions/refuse_update_outside_erasure.sql")
    for table in REACHED:
        op.add_column(table, sa.Column("reached_by", ARRAY(UUID(as_uuid=True)), nullable=True))
        op.execute(f"GRANT UPDATE (reached_by) ON {table} TO {APP_ROLE}")
    for table in _never_edited(REACHED):
        _erasure_trigger(table, "'reached_by'")
    for table, _, _, column in LINKED:
        op.add_column(table, sa.Column(column, UUID(as_uuid=True), nullable=True))
    for table, (name, column) in UNIQUE_KEYS.items():
        op.create_unique_constraint(name, table, ["tenant_id", "id", column])
    _backfill()
    for table, key, parent, column in LINKED:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {LINK_NAMES[table]}"
            f" FOREIGN KEY (tenant_id, {key}, {column})"
            f" REFERENCES {parent} (tenant_id, id, {column}) NOT VALID"
        )
        op.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {LINK_NAMES[table]}")
    for table in NOT_NULL:
        _set_not_null(table, "partner_organisation_id")
    _policies()


def _never_edited(tables) -> list[str]:
    """Which of `tables` carry the `erasure_only` trigger, from the catalog."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = 'erasure_only' AND c.relname = ANY (:tables)"
        ),
        {"tables": list(tables)},
    )
    return sorted(row[0] for row in rows)


def _erasure_trigger(table: str, argument: str = "") -> None:
    op.execute(f"DROP TRIGGER erasure_only ON {table}")
    op.execute(
        f"CREATE TRIGGER erasure_only BEFORE UPDATE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure({argument})"
    )


def _backfill() -> None:
    """Per jobcenter, from what the EXISTS read: every organisation any referral of the row's
    client or case was made to, and each link's parent's organisation."""
    bind = op.get_bind()
    tenants = [row[0] for row in bind.execute(sa.text("SELECT id FROM tenants ORDER BY id"))]
    for table, *_ in LINKED:  # never edited: the backfill is the one update they get
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER erasure_only")
    for tenant in tenants:
        bind.execute(sa.text("SELECT app_bind_scope(:t, NULL)"), {"t": tenant})
        for table, (by, column) in REACHED.items():
            bind.execute(
                sa.text(
                    f"UPDATE {table} x SET reached_by = r.organisations FROM ("
                    f" SELECT {by} AS key, array_agg(DISTINCT partner_organisation_id)"
                    " AS organisations FROM referrals WHERE tenant_id = :t"
                    f" GROUP BY {by}) r WHERE x.tenant_id = :t AND x.{column} = r.key"
                ),
                {"t": tenant},
            )
        for table, key, parent, column in LINKED:
            bind.execute(
                sa.text(
                    f"UPDATE {table} x SET {column} = p.{column} FROM {parent} p"
                    f" WHERE x.tenant_id = :t AND p.tenant_id = :t AND p.id = x.{key}"
                    f" AND p.{column} IS NOT NULL"
                ),
                {"t": tenant},
            )
    bind.execute(sa.text("SELECT app_bind_scope(NULL, NULL)"))
    for table, *_ in LINKED:
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER erasure_only")


def _set_not_null(table: str, column: str) -> None:
    # A validated CHECK lets SET NOT NULL skip its own scan under ACCESS EXCLUSIVE.
    check = f"ck_{table}_{column}_set"
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {check} CHECK ({column} IS NOT NULL) NOT VALID")
    op.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {check}")
    op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL")
    op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {check}")


def _policies() -> None:
    for table in REACHED:
        op.execute(
            f"ALTER POLICY partner_via_referral ON {table} USING ({PARTNER} = ANY (reached_by))"
        )
    for table, _, _, column in LINKED:
        name = POLICY.get(table, "partner_referrals")
        check = "" if table in POLICY else f" WITH CHECK ({column} = {PARTNER})"
        op.execute(f"ALTER POLICY {name} ON {table} USING ({column} = {PARTNER}){check}")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table, (by, column) in REACHED.items():
        op.execute(
            f"ALTER POLICY partner_via_referral ON {table} USING (EXISTS (SELECT 1 FROM referrals r"
            f" WHERE r.tenant_id = {table}.tenant_id AND r.{by} = {table}.{column}"
            f" AND r.partner_organisation_id = {PARTNER}))"
        )
    for table, key, parent, column in LINKED:
        name = POLICY.get(table, "partner_referrals")
        exists = (
            f"EXISTS (SELECT 1 FROM {parent} p WHERE p.tenant_id = {table}.tenant_id"
            f" AND p.id = {table}.{key} AND p.{column} = {PARTNER})"
        )
        check = "" if table in POLICY else f" WITH CHECK ({exists})"
        op.execute(f"ALTER POLICY {name} ON {table} USING ({exists}){check}")
        op.drop_constraint(LINK_NAMES[table], table, type_="foreignkey")
        op.drop_column(table, column)
    for table, (name, _) in UNIQUE_KEYS.items():
        op.drop_constraint(name, table, type_="unique")
    for table in _never_edited(REACHED):
        _erasure_trigger(table)
    for table in REACHED:
        op.drop_column(table, "reached_by")
