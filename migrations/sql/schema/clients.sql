-- Clients and their restriction (Sperrung, Art. 18 GDPR). Deactivated, never deleted; at most
-- one active restriction a client. Partner paths to these rows: partner_paths.sql.
-- Indexes on id alone (here and on other tables): row-level security adds the tenant only as
-- an OR-ed filter, so a (tenant_id, id) key cannot serve 'WHERE id = ANY(...)' (77 ms for 50
-- clients among 100,000 without it; bench/RESULTS.md).

CREATE TABLE clients (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    customer_number varchar(20) NOT NULL,
    given_name varchar(100) NOT NULL,
    family_name varchar(100) NOT NULL,
    date_of_birth date,
    login_subject varchar(255),
    active boolean DEFAULT true NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    street varchar(200),
    postal_code varchar(10),
    city varchar(100),
    phone varchar(40),
    email varchar(254),
    household_size integer,
    children_in_household integer,
    erased_at timestamptz,
    household_community_number varchar(20),
    CONSTRAINT pk_clients PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_clients_tenant_id_customer_number UNIQUE (tenant_id, customer_number),
    CONSTRAINT uq_clients_tenant_id_login_subject UNIQUE (tenant_id, login_subject),
    CONSTRAINT fk_clients_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_clients_id ON clients (id);
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE clients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON clients
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON clients TO casework_app;

CREATE TABLE client_restrictions (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    client_id uuid NOT NULL,
    reason varchar(500) NOT NULL,
    restricted_by_id uuid NOT NULL,
    restricted_at timestamptz DEFAULT now() NOT NULL,
    lifted_at timestamptz,
    lifted_by_id uuid,
    CONSTRAINT pk_client_restrictions PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_client_restrictions_tenant_id_client_id_clients FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT fk_client_restrictions_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE UNIQUE INDEX uq_client_restrictions_one_active ON client_restrictions (tenant_id, client_id) WHERE (lifted_at IS NULL);
ALTER TABLE client_restrictions ENABLE ROW LEVEL SECURITY;
ALTER TABLE client_restrictions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON client_restrictions
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON client_restrictions TO casework_app;

