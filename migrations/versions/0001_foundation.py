"""Foundation: tenants, staff, partner organisations and their networks, clients; RLS; app role.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision: str = "0001_foundation"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"
TENANT_TABLES = ("staff_users", "clients", "network_memberships")


def _uuid_pk() -> sa.Column:
    return sa.Column("id", UUID(as_uuid=True), server_default=sa.text("gen_random_uuid()"))


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _tenant_id() -> sa.Column:
    return sa.Column("tenant_id", UUID(as_uuid=True), nullable=False)


def upgrade() -> None:
    _create_app_role()
    _create_scope_functions()
    _create_global_tables()
    _create_tenant_tables()
    for table in TENANT_TABLES:
        _enable_rls(table)
    _enable_rls("partner_users")
    _create_policies()
    _grant()


def _create_app_role() -> None:
    # Roles are cluster-wide: another database on the same server (tests, a second environment)
    # may have created it already. NOBYPASSRLS and owning nothing is the point (invariant 4).
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
            END IF;
        END
        $$;
        """
    )


def _create_scope_functions() -> None:
    # After a commit a pooled connection returns '' (not NULL) for an unset custom setting
    # (FIELD-NOTES.md, RLS): NULLIF makes "no scope bound" match no row at all.
    for function, setting in (
        ("app_current_tenant", "app.tenant_id"),
        ("app_current_partner_organisation", "app.partner_organisation_id"),
    ):
        op.execute(
            f"""
            CREATE FUNCTION {function}() RETURNS uuid
            LANGUAGE sql STABLE PARALLEL SAFE
            AS $$ SELECT NULLIF(current_setting('{setting}', true), '')::uuid $$
            """
        )


def _create_global_tables() -> None:
    op.create_table(
        "tenants",
        _uuid_pk(),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_tenants"),
        sa.UniqueConstraint("slug", name="uq_tenants_slug"),
    )
    op.create_table(
        "partner_organisations",
        _uuid_pk(),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_partner_organisations"),
        sa.UniqueConstraint("slug", name="uq_partner_organisations_slug"),
    )
    op.create_table(
        "partner_users",
        sa.Column("organisation_id", UUID(as_uuid=True), nullable=False),
        _uuid_pk(),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("roles", ARRAY(sa.String(40)), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("organisation_id", "id", name="pk_partner_users"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["partner_organisations.id"],
            name="fk_partner_users_organisation_id_partner_organisations",
        ),
        sa.UniqueConstraint(
            "organisation_id", "subject", name="uq_partner_users_organisation_id_subject"
        ),
    )


def _create_tenant_tables() -> None:
    op.create_table(
        "staff_users",
        _tenant_id(),
        _uuid_pk(),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("roles", ARRAY(sa.String(40)), server_default=sa.text("'{}'"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_staff_users"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_staff_users_tenant_id_tenants"
        ),
        sa.UniqueConstraint("tenant_id", "subject", name="uq_staff_users_tenant_id_subject"),
    )
    op.create_table(
        "clients",
        _tenant_id(),
        _uuid_pk(),
        sa.Column("customer_number", sa.String(20), nullable=False),
        sa.Column("given_name", sa.String(100), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("login_subject", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_clients"),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name="fk_clients_tenant_id_tenants"),
        sa.UniqueConstraint(
            "tenant_id", "customer_number", name="uq_clients_tenant_id_customer_number"
        ),
        sa.UniqueConstraint(
            "tenant_id", "login_subject", name="uq_clients_tenant_id_login_subject"
        ),
    )
    op.create_table(
        "network_memberships",
        _tenant_id(),
        sa.Column("partner_organisation_id", UUID(as_uuid=True), nullable=False),
        sa.Column("service_categories", ARRAY(sa.String(40)), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("capacity_note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint(
            "tenant_id", "partner_organisation_id", name="pk_network_memberships"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_network_memberships_tenant_id_tenants"
        ),
        sa.ForeignKeyConstraint(
            ["partner_organisation_id"],
            ["partner_organisations.id"],
            name="fk_network_memberships_partner_organisation_id_partner__d47b",
        ),
    )
    # A partner's own view lists its memberships across jobcenters.
    op.create_index(
        "ix_network_memberships_partner_organisation_id",
        "network_memberships",
        ["partner_organisation_id"],
    )


def _enable_rls(table: str) -> None:
    # FORCE: the policies bind the table owner too, so a misconfigured deployment that connects
    # as the owner still cannot read across tenants (superusers excepted, hence the app role).
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def _create_policies() -> None:
    for table in ("staff_users", "clients"):
        op.execute(
            f"""
            CREATE POLICY tenant_isolation ON {table}
                USING (tenant_id = app_current_tenant())
                WITH CHECK (tenant_id = app_current_tenant())
            """
        )
    # A jobcenter manages its network; an organisation may read (not change) its memberships.
    op.execute(
        """
        CREATE POLICY tenant_isolation ON network_memberships
            USING (tenant_id = app_current_tenant())
            WITH CHECK (tenant_id = app_current_tenant())
        """
    )
    op.execute(
        """
        CREATE POLICY own_memberships ON network_memberships FOR SELECT
            USING (partner_organisation_id = app_current_partner_organisation())
        """
    )
    op.execute(
        """
        CREATE POLICY organisation_isolation ON partner_users
            USING (organisation_id = app_current_partner_organisation())
            WITH CHECK (organisation_id = app_current_partner_organisation())
        """
    )


def _grant() -> None:
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT ON tenants, partner_organisations, alembic_version TO {APP_ROLE}")
    tables = ", ".join((*TENANT_TABLES, "partner_users"))
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {tables} TO {APP_ROLE}")
    op.execute(
        f"GRANT EXECUTE ON FUNCTION app_current_tenant(), app_current_partner_organisation() "
        f"TO {APP_ROLE}"
    )


def downgrade() -> None:
    for table in ("network_memberships", "clients", "staff_users", "partner_users"):
        op.drop_table(table)
    op.drop_table("partner_organisations")
    op.drop_table("tenants")
    op.execute("DROP FUNCTION app_current_partner_organisation()")
    op.execute("DROP FUNCTION app_current_tenant()")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}")
