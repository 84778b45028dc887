"""The plan that changes, and closure with after-care (issue 18).

- plan_item_revisions: a plan item as it stood before each change (edit, re-date, withdrawal,
  outcome corrected) and why (domain/004: Fortschreibung). Never edited: the service's role
  inserts them and may UPDATE only the texts erasure blanks, behind the erasure-only trigger
  (sql/functions/refuse_update_outside_erasure.sql), as the other never-edited tables. Partners
  reach its rows through a referral as they reach plan_items (sql/schema/partner_paths.sql);
  which fields they read is the guard's business.
- plan_items.withdrawn_on: a withdrawn item stays, marked, with its revision.
- cases: the closing talk's retrospective and prospective assessment, whether the client took
  part (domain/004), and the handover back to the placement officer (who, by whom, when).
- Nullable columns without defaults: no table rewrite; the foreign keys are added NOT VALID and
  validated after, so cases is locked only briefly (SHARE ROW EXCLUSIVE, then a scan under
  SHARE UPDATE EXCLUSIVE that lets reads and writes go on).

Revision ID: 0003_plan_changes
Revises: 0002_case_diary
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0003_plan_changes"
down_revision: str | None = "0002_case_diary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Only additions: the release before this one serves the database as well.
serves_previous_code = True

APP_ROLE = "casework_app"
TABLE = "plan_item_revisions"
# The free-text columns erasure blanks (service/clients/erasure.py).
ERASABLE_COLUMNS = ("reason", "title", "resources", "outcome_reason")
HANDOVER_KEYS = ("handed_over_to_id", "handed_over_by_id")


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    _add_case_columns()
    op.add_column("plan_items", sa.Column("withdrawn_on", sa.Date(), nullable=True))
    _create_revisions()


def _add_case_columns() -> None:
    op.add_column("cases", sa.Column("closing_retrospective", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("closing_prospective", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("client_took_part_in_closure", sa.Boolean(), nullable=True))
    for column in HANDOVER_KEYS:
        op.add_column("cases", sa.Column(column, UUID(as_uuid=True), nullable=True))
    op.add_column("cases", sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True))
    for column in HANDOVER_KEYS:
        name = f"fk_cases_{column}"
        op.execute(
            f"ALTER TABLE cases ADD CONSTRAINT {name} FOREIGN KEY (tenant_id, {column})"
            " REFERENCES staff_users (tenant_id, id) NOT VALID"
        )
        op.execute(f"ALTER TABLE cases VALIDATE CONSTRAINT {name}")


def _create_revisions() -> None:
    op.create_table(
        TABLE,
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.Column("case_id", UUID(as_uuid=True), nullable=False),
        sa.Column("plan_item_id", UUID(as_uuid=True), nullable=False),
        sa.Column("change", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("resources", sa.Text(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("responsible", sa.String(20), nullable=True),
        sa.Column("partner_organisation_id", UUID(as_uuid=True), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("changed_by_id", UUID(as_uuid=True), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=f"pk_{TABLE}"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=f"fk_{TABLE}_tenant"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"], name=f"fk_{TABLE}_case"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "plan_item_id"],
            ["plan_items.tenant_id", "plan_items.id"],
            name=f"fk_{TABLE}_plan_item",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "changed_by_id"],
            ["staff_users.tenant_id", "staff_users.id"],
            name=f"fk_{TABLE}_changed_by",
        ),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisations.id"],
            name=f"fk_{TABLE}_partner_organisation",
        ),
        sa.CheckConstraint(
            "change IN ('edited', 'redated', 'withdrawn', 'outcome_corrected')",
            name=f"ck_{TABLE}_change_known",
        ),
    )
    op.create_index(f"ix_{TABLE}_case_id", TABLE, ["case_id"])
    op.create_index(f"ix_{TABLE}_plan_item_id", TABLE, ["plan_item_id"])
    op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {TABLE} USING (tenant_id = app_current_tenant())"
        " WITH CHECK (tenant_id = app_current_tenant())"
    )
    op.execute(
        f"CREATE POLICY partner_via_referral ON {TABLE} FOR SELECT USING (EXISTS ("
        f" SELECT 1 FROM referrals r WHERE r.tenant_id = {TABLE}.tenant_id"
        f" AND r.case_id = {TABLE}.case_id"
        " AND r.partner_organisation_id = app_current_partner_organisation()))"
    )
    op.execute(f"GRANT SELECT, INSERT ON {TABLE} TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE ({', '.join(ERASABLE_COLUMNS)}) ON {TABLE} TO {APP_ROLE}")
    op.execute(
        f"CREATE TRIGGER erasure_only BEFORE UPDATE ON {TABLE}"
        " FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure()"
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_table(TABLE)
    op.drop_column("plan_items", "withdrawn_on")
    for column in (
        *HANDOVER_KEYS,
        "handed_over_at",
        "client_took_part_in_closure",
        "closing_prospective",
        "closing_retrospective",
    ):
        op.drop_column("cases", column)
