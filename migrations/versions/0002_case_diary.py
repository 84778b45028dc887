"""The case manager's diary: case notes (Historienvermerke), appointments (Termine) and
follow-ups (Wiedervorlagen), each on a case (service/diary/).

- case_notes are never edited: the service's role inserts them and may UPDATE only the two
  texts erasure blanks, behind the erasure-only trigger
  (sql/functions/refuse_update_outside_erasure.sql), as the other never-edited tables; a note is
  corrected at most once (a partial unique index, so two corrections racing cannot both land).
- appointments change their status, follow-ups their done day: SELECT, INSERT, UPDATE.
- Row-level security by tenant only: unlike the rest of a case's content
  (sql/schema/partner_paths.sql), partners get no path to these rows through a referral; nothing
  of the API serves them the diary.
- New, empty tables: creating them takes no lock on a busy table (the foreign keys lock cases,
  staff_users and partner_organisations briefly, SHARE ROW EXCLUSIVE).

Revision ID: 0002_case_diary
Revises: 0001_baseline
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0002_case_diary"
down_revision: str | None = "0001_baseline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# Only new tables: the release before this one serves the database as well.
serves_previous_code = True

APP_ROLE = "casework_app"
TABLE_GRANTS = {
    "case_notes": "SELECT, INSERT",
    "appointments": "SELECT, INSERT, UPDATE",
    "follow_ups": "SELECT, INSERT, UPDATE",
}
# Insert-only: the free-text columns erasure blanks (service/clients/erasure.py).
ERASABLE_COLUMNS = {"case_notes": ("subject", "text")}


def _key(table: str) -> list:
    return [
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()")),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants"
        ),
    ]


def _ref(
    table: str, column: str, target: str, *, nullable: bool = False, name: str | None = None
) -> list:
    return [
        sa.Column(column, UUID(as_uuid=True), nullable=nullable),
        sa.ForeignKeyConstraint(
            ["tenant_id", column],
            [f"{target}.tenant_id", f"{target}.id"],
            name=name or f"fk_{table}_tenant_id_{column}_{target}",
        ),
    ]


def _now(name: str) -> sa.Column:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    _create_tables()
    op.create_index(
        "uq_case_notes_corrected_once",
        "case_notes",
        ["tenant_id", "corrects_id"],
        unique=True,
        postgresql_where=sa.text("corrects_id IS NOT NULL"),
    )
    for table, privileges in TABLE_GRANTS.items():
        op.create_index(f"ix_{table}_case_id", table, ["case_id"])
        op.create_index(f"ix_{table}_id", table, ["id"])
        _isolate(table, privileges)
    for table, columns in ERASABLE_COLUMNS.items():
        op.execute(f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {APP_ROLE}")
        op.execute(
            f"CREATE TRIGGER erasure_only BEFORE UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure()"
        )


def _create_tables() -> None:
    op.create_table(
        "case_notes",
        *_key("case_notes"),
        *_ref("case_notes", "case_id", "cases"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.String(4000), nullable=False),
        *_ref(
            "case_notes", "corrects_id", "case_notes", nullable=True, name="fk_case_notes_corrects"
        ),
        *_ref("case_notes", "author_id", "staff_users"),
        _now("created_at"),
        sa.CheckConstraint(
            "kind IN ('in_person', 'phone', 'video', 'letter', 'email', 'note', 'decision')",
            name="ck_case_notes_kind_known",
        ),
    )
    op.create_table(
        "appointments",
        *_key("appointments"),
        *_ref("appointments", "case_id", "cases"),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column(
            "partner_organisation_id",
            UUID(as_uuid=True),
            sa.ForeignKey(
                "partner_organisations.id",
                name="fk_appointments_partner_organisation_id_partner_organisations",
            ),
            nullable=True,
        ),
        sa.Column("internal_note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(20), server_default=sa.text("'planned'"), nullable=False),
        sa.Column("status_reason", sa.String(500), nullable=True),
        sa.Column("status_recorded_at", sa.DateTime(timezone=True), nullable=True),
        *_ref("appointments", "status_recorded_by_id", "staff_users", nullable=True),
        *_ref("appointments", "created_by_id", "staff_users"),
        _now("created_at"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_appointments_ends_after_start"),
        sa.CheckConstraint(
            "kind IN ('consultation', 'plan_review', 'home_visit', 'with_partner', 'phone',"
            " 'video')",
            name="ck_appointments_kind_known",
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'held', 'missed', 'cancelled')",
            name="ck_appointments_status_known",
        ),
    )
    op.create_table(
        "follow_ups",
        *_key("follow_ups"),
        *_ref("follow_ups", "case_id", "cases"),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        *_ref("follow_ups", "done_by_id", "staff_users", nullable=True),
        *_ref("follow_ups", "created_by_id", "staff_users"),
        _now("created_at"),
    )


def _isolate(table: str, privileges: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} USING (tenant_id = app_current_tenant())"
        " WITH CHECK (tenant_id = app_current_tenant())"
    )
    op.execute(f"GRANT {privileges} ON {table} TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table in reversed(list(TABLE_GRANTS)):
        op.drop_table(table)
