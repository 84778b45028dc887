-- Network partners: organisations and their users are global (they serve several jobcenters
-- at once); partner_users hold people's names, so RLS confines them to their organisation.
-- A jobcenter manages its network memberships; an organisation may read (not change) its own,
-- and a partner's own view lists its memberships across jobcenters (the index).

CREATE TABLE partner_organisations (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    slug varchar(63) NOT NULL,
    name varchar(200) NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_partner_organisations PRIMARY KEY (id),
    CONSTRAINT uq_partner_organisations_slug UNIQUE (slug)
);
GRANT SELECT ON partner_organisations TO casework_app;

CREATE TABLE partner_users (
    organisation_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    subject varchar(255) NOT NULL,
    display_name varchar(200) NOT NULL,
    roles varchar(40)[] DEFAULT '{}' NOT NULL,
    active boolean DEFAULT true NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_partner_users PRIMARY KEY (organisation_id, id),
    CONSTRAINT uq_partner_users_organisation_id_subject UNIQUE (organisation_id, subject),
    CONSTRAINT fk_partner_users_organisation_id_partner_organisations FOREIGN KEY (organisation_id) REFERENCES partner_organisations (id)
);
ALTER TABLE partner_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE partner_users FORCE ROW LEVEL SECURITY;
CREATE POLICY organisation_isolation ON partner_users
    USING (organisation_id = app_current_partner_organisation())
    WITH CHECK (organisation_id = app_current_partner_organisation());
GRANT SELECT, INSERT, UPDATE, DELETE ON partner_users TO casework_app;

CREATE TABLE network_memberships (
    tenant_id uuid NOT NULL,
    partner_organisation_id uuid NOT NULL,
    service_categories varchar(40)[] NOT NULL,
    contact text,
    capacity_note text,
    active boolean DEFAULT true NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_network_memberships PRIMARY KEY (tenant_id, partner_organisation_id),
    CONSTRAINT fk_network_memberships_partner_organisation_id_partner__d47b FOREIGN KEY (partner_organisation_id) REFERENCES partner_organisations (id),
    CONSTRAINT fk_network_memberships_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_network_memberships_partner_organisation_id ON network_memberships (partner_organisation_id);
ALTER TABLE network_memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE network_memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY own_memberships ON network_memberships FOR SELECT
    USING (partner_organisation_id = app_current_partner_organisation());
CREATE POLICY tenant_isolation ON network_memberships
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON network_memberships TO casework_app;

