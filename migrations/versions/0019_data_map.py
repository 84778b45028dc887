"""The data map (DESIGN.md, invariant 6): rows classified by what they say, and erasure of every
free text the map names.

- Profiling items and documents carry their data category per row: a profiling note on capacity
  is health data (domain/001: Leistungsfähigkeit), a Befundbericht is health data wherever it is
  filed. Existing rows: capacity items become health data, other items intake data; documents of
  the protected area `protected_documents`, the others `documents`.
- Erasure blanks the free texts of every table with a client's data (service/clients/erasure.py
  walks the map): the service's role gets UPDATE on exactly those columns of the tables it may
  otherwise only insert into, and a trigger on those tables refuses any update outside an
  erasure, so "never edited" still holds for consents, agreements, reviews and reports.

Revision ID: 0019_data_map
Revises: 0018_audit_lanes
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_data_map"
down_revision: str | None = "0018_audit_lanes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"
# Tables the service's role only inserts into: the columns erasure blanks (tests/db/
# test_data_map.py checks these are all the map's erasable columns of such tables).
ERASABLE_COLUMNS = {
    "case_profiling_items": ("detail",),
    "aftercare_notes": ("text",),
    "case_reviews": ("reasoning", "prognosis"),
    "integration_agreements": ("plan",),
    "consents": ("evidence_reference",),
    "consent_revocations": ("note",),
    "referral_status_changes": ("reason",),
    "progress_reports": ("text", "next_appointment"),
}

ERASURE_ONLY = """
CREATE FUNCTION refuse_update_outside_erasure() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Set for its own transaction by service/clients/erasure.py, nowhere else.
    IF current_setting('casework.erasing', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'rows of % are never edited; only erasure blanks them', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column("case_profiling_items", sa.Column("subcategory", sa.String(40), nullable=True))
    op.add_column("case_profiling_items", sa.Column("data_category", sa.String(40)))
    op.execute(
        "UPDATE case_profiling_items SET data_category = CASE category"
        " WHEN 'capacity' THEN 'assessment_health' ELSE 'intake' END"
    )
    op.alter_column("case_profiling_items", "data_category", nullable=False)
    op.add_column("case_documents", sa.Column("data_category", sa.String(40)))
    op.execute(
        "UPDATE case_documents SET data_category = CASE area"
        " WHEN 'protected' THEN 'protected_documents' ELSE 'documents' END"
    )
    op.alter_column("case_documents", "data_category", nullable=False)
    op.execute(ERASURE_ONLY)
    for table, columns in ERASABLE_COLUMNS.items():
        op.execute(f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {APP_ROLE}")
        op.execute(
            f"CREATE TRIGGER erasure_only BEFORE UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure()"
        )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table, columns in ERASABLE_COLUMNS.items():
        op.execute(f"DROP TRIGGER erasure_only ON {table}")
        if table != "progress_reports":  # 0010 granted those
            op.execute(f"REVOKE UPDATE ({', '.join(columns)}) ON {table} FROM {APP_ROLE}")
    op.execute("DROP FUNCTION refuse_update_outside_erasure()")
    op.drop_column("case_documents", "data_category")
    op.drop_column("case_profiling_items", "data_category")
    op.drop_column("case_profiling_items", "subcategory")
