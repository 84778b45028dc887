"""Referrals to network partners, progress reports, consents and their revocations.

Consents and revocations are insert-only for the service's role: a consent is never edited in
place (DESIGN.md, Consent). Partners reach a client's rows only through a referral made to their
organisation: the clients and cases policies below add exactly that path.

Revision ID: 0004_referrals_consent
Revises: 0002_cases_core
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision: str = "0004_referrals_consent"
down_revision: str | None = "0002_cases_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"
PARTNER = "app_current_partner_organisation()"
TENANT = "app_current_tenant()"


def _id() -> sa.Column:
    return sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()"))


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants"
    )


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", column],
        [f"{target}.tenant_id", f"{target}.id"],
        name=f"fk_{table}_tenant_id_{column}_{target}",
    )


def upgrade() -> None:
    _create_referrals()
    _create_consents()
    for table in (
        "referrals",
        "referral_status_changes",
        "progress_reports",
        "consents",
        "consent_revocations",
    ):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    _create_policies()
    _grant()


def _create_referrals() -> None:
    op.create_table(
        "referrals",
        _uuid("tenant_id"),
        _id(),
        _uuid("case_id"),
        _uuid("client_id"),
        _uuid("partner_organisation_id"),
        sa.Column("service_category", sa.String(40), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("first_report_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), server_default=sa.text("'sent'"), nullable=False),
        _uuid("created_by_id"),
        _now("created_at"),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_referrals"),
        _tenant_fk("referrals"),
        _fk("referrals", "case_id", "cases"),
        _fk("referrals", "client_id", "clients"),
        _fk("referrals", "created_by_id", "staff_users"),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisations.id"],
            name="fk_referrals_partner_organisation_id_partner_organisations",
        ),
    )
    op.create_index(
        "ix_referrals_partner_organisation_id",
        "referrals",
        ["partner_organisation_id", "created_at"],
    )
    op.create_index("ix_referrals_tenant_id_client_id", "referrals", ["tenant_id", "client_id"])
    op.create_table(
        "referral_status_changes",
        _uuid("tenant_id"),
        _id(),
        _uuid("referral_id"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_by_kind", sa.String(10), nullable=False),
        _uuid("changed_by_id"),
        _now("changed_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_referral_status_changes"),
        _tenant_fk("referral_status_changes"),
        _fk("referral_status_changes", "referral_id", "referrals"),
    )
    op.create_index(
        "ix_referral_status_changes_tenant_id_referral_id",
        "referral_status_changes",
        ["tenant_id", "referral_id"],
    )
    op.create_table(
        "progress_reports",
        _uuid("tenant_id"),
        _id(),
        _uuid("referral_id"),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("attendance", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("next_appointment", sa.DateTime(timezone=True), nullable=True),
        _uuid("author_organisation_id"),
        _uuid("author_id"),
        _now("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_progress_reports"),
        _tenant_fk("progress_reports"),
        _fk("progress_reports", "referral_id", "referrals"),
    )
    op.create_index(
        "ix_progress_reports_tenant_id_referral_id",
        "progress_reports",
        ["tenant_id", "referral_id"],
    )


def _create_consents() -> None:
    op.create_table(
        "consents",
        _uuid("tenant_id"),
        _id(),
        _uuid("client_id"),
        sa.Column("purpose", sa.String(20), nullable=False),
        _uuid("grantee_organisation_id", nullable=True),
        _uuid("referral_id", nullable=True),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("categories", ARRAY(sa.String(40)), nullable=False),
        sa.Column("explicit_special_categories", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evidence_reference", sa.String(200), nullable=True),
        *(
            sa.Column(f"informed_{topic}", sa.Boolean(), nullable=False)
            for topic in ("content", "effects", "scope", "voluntariness", "benefit")
        ),
        sa.Column("recorded_by_kind", sa.String(10), nullable=False),
        _uuid("recorded_by_id"),
        _now("recorded_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_consents"),
        _tenant_fk("consents"),
        _fk("consents", "client_id", "clients"),
        _fk("consents", "referral_id", "referrals"),
        sa.ForeignKeyConstraint(
            ["grantee_organisation_id"],
            ["partner_organisations.id"],
            name="fk_consents_grantee_organisation_id_partner_organisations",
        ),
    )
    op.create_index("ix_consents_tenant_id_client_id", "consents", ["tenant_id", "client_id"])
    op.create_index("ix_consents_grantee_organisation_id", "consents", ["grantee_organisation_id"])
    op.create_table(
        "consent_revocations",
        _uuid("tenant_id"),
        _uuid("consent_id"),
        _now("revoked_at"),
        sa.Column("revoked_by_kind", sa.String(10), nullable=False),
        _uuid("revoked_by_id"),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "consent_id", name="pk_consent_revocations"),
        _tenant_fk("consent_revocations"),
        _fk("consent_revocations", "consent_id", "consents"),
    )


def _policy(name: str, table: str, using: str, command: str = "ALL") -> None:
    check = f" WITH CHECK ({using})" if command == "ALL" else ""
    op.execute(f"CREATE POLICY {name} ON {table} FOR {command} USING ({using}){check}")


def _create_policies() -> None:
    for table in (
        "referrals",
        "referral_status_changes",
        "progress_reports",
        "consents",
        "consent_revocations",
    ):
        _policy("tenant_isolation", table, f"tenant_id = {TENANT}")
    # Partners: the referrals made to them, by any jobcenter, and what hangs off those.
    # (read and change status; creating referrals is the jobcenter's alone)
    _policy("partner_referrals", "referrals", f"partner_organisation_id = {PARTNER}", "SELECT")
    op.execute(
        f"CREATE POLICY partner_referral_updates ON referrals FOR UPDATE"
        f" USING (partner_organisation_id = {PARTNER})"
        f" WITH CHECK (partner_organisation_id = {PARTNER})"
    )
    via_referral = (
        "EXISTS (SELECT 1 FROM referrals r WHERE r.tenant_id = {t}.tenant_id"
        " AND r.id = {t}.referral_id AND r.partner_organisation_id = " + PARTNER + ")"
    )
    for table in ("referral_status_changes", "progress_reports"):
        _policy("partner_referrals", table, via_referral.format(t=table))
    _policy("partner_consents", "consents", f"grantee_organisation_id = {PARTNER}", "SELECT")
    _policy(
        "partner_consents",
        "consent_revocations",
        "EXISTS (SELECT 1 FROM consents c WHERE c.tenant_id = consent_revocations.tenant_id"
        f" AND c.id = consent_revocations.consent_id AND c.grantee_organisation_id = {PARTNER})",
        "SELECT",
    )
    # The client and the case a referral is about: readable rows, not readable fields — which
    # fields a partner sees is the field guard's and the consent's business.
    for table, column in (("clients", "id"), ("cases", "id")):
        key = "client_id" if table == "clients" else "case_id"
        _policy(
            "partner_via_referral",
            table,
            f"EXISTS (SELECT 1 FROM referrals r WHERE r.tenant_id = {table}.tenant_id"
            f" AND r.{key} = {table}.{column} AND r.partner_organisation_id = {PARTNER})",
            "SELECT",
        )


def _grant() -> None:
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON referrals TO {APP_ROLE}")
    op.execute(
        f"GRANT SELECT, INSERT ON referral_status_changes, progress_reports, consents,"
        f" consent_revocations TO {APP_ROLE}"
    )


def downgrade() -> None:
    op.execute("DROP POLICY partner_via_referral ON cases")
    op.execute("DROP POLICY partner_via_referral ON clients")
    for table in (
        "consent_revocations",
        "consents",
        "progress_reports",
        "referral_status_changes",
        "referrals",
    ):
        op.drop_table(table)
