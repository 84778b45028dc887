"""Join the case-management and referral branches; let partners reach the rows of a case's
content through a referral made to them.

Rows, not fields: which of these rows' fields a partner reads is decided per data category by
the field guard and the client's consent. Without a referral to their organisation they reach
no row at all, whatever the consent says.

Revision ID: 0005_partner_paths
Revises: 0003_case_management, 0004_referrals_consent
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_partner_paths"
down_revision: tuple[str, ...] = ("0003_case_management", "0004_referrals_consent")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASE_CONTENT_TABLES = (
    "case_profiling_items",
    "assessment_entries",
    "plan_items",
    "integration_agreements",
    "case_reviews",
    "aftercare_notes",
    "case_documents",
)


def upgrade() -> None:
    for table in CASE_CONTENT_TABLES:
        op.execute(
            f"CREATE POLICY partner_via_referral ON {table} FOR SELECT USING ("
            "EXISTS (SELECT 1 FROM referrals r"
            f" WHERE r.tenant_id = {table}.tenant_id AND r.case_id = {table}.case_id"
            " AND r.partner_organisation_id = app_current_partner_organisation()))"
        )


def downgrade() -> None:
    for table in CASE_CONTENT_TABLES:
        op.execute(f"DROP POLICY partner_via_referral ON {table}")
