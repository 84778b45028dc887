-- Consents and their revocations: insert-only for the service's role, a consent is never edited
-- in place (DESIGN.md, Consent); erasure blanks its free texts only. A deputy consent names its
-- deputy, a person, and has an end (domain/001: Vertretung nur mit Einverständnis des Kunden):
-- the client agrees to a colleague, not to whoever is registered as deputy later.

CREATE TABLE consents (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    client_id uuid NOT NULL,
    purpose varchar(20) NOT NULL,
    grantee_organisation_id uuid,
    referral_id uuid,
    direction varchar(20) NOT NULL,
    categories varchar(40)[] NOT NULL,
    explicit_special_categories boolean NOT NULL,
    valid_from timestamptz NOT NULL,
    valid_until timestamptz,
    evidence_reference varchar(200),
    informed_content boolean NOT NULL,
    informed_effects boolean NOT NULL,
    informed_scope boolean NOT NULL,
    informed_voluntariness boolean NOT NULL,
    informed_benefit boolean NOT NULL,
    recorded_by_kind varchar(10) NOT NULL,
    recorded_by_id uuid NOT NULL,
    recorded_at timestamptz DEFAULT now() NOT NULL,
    deputy_id uuid,
    CONSTRAINT pk_consents PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_consents_grantee_organisation_id_partner_organisations FOREIGN KEY (grantee_organisation_id) REFERENCES partner_organisations (id),
    CONSTRAINT fk_consents_tenant_id_client_id_clients FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT fk_consents_tenant_id_deputy_id_staff_users FOREIGN KEY (tenant_id, deputy_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_consents_tenant_id_referral_id_referrals FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id),
    CONSTRAINT fk_consents_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
ALTER TABLE consents ADD CONSTRAINT ck_consents_deputy_named_with_end CHECK (((((purpose)::text = 'deputy'::text) = (deputy_id IS NOT NULL)) AND (((purpose)::text <> 'deputy'::text) OR (valid_until IS NOT NULL))));
CREATE INDEX ix_consents_client_id ON consents (client_id);
CREATE INDEX ix_consents_grantee_organisation_id ON consents (grantee_organisation_id);
CREATE INDEX ix_consents_id ON consents (id);
CREATE INDEX ix_consents_referral_id ON consents (referral_id);
ALTER TABLE consents ENABLE ROW LEVEL SECURITY;
ALTER TABLE consents FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_consents ON consents FOR SELECT
    USING (grantee_organisation_id = app_current_partner_organisation());
CREATE POLICY tenant_isolation ON consents
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON consents TO casework_app;
GRANT UPDATE (evidence_reference) ON consents TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON consents FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

CREATE TABLE consent_revocations (
    tenant_id uuid NOT NULL,
    consent_id uuid NOT NULL,
    revoked_at timestamptz DEFAULT now() NOT NULL,
    revoked_by_kind varchar(10) NOT NULL,
    revoked_by_id uuid NOT NULL,
    channel varchar(20) NOT NULL,
    note text,
    CONSTRAINT pk_consent_revocations PRIMARY KEY (tenant_id, consent_id),
    CONSTRAINT fk_consent_revocations_tenant_id_consent_id_consents FOREIGN KEY (tenant_id, consent_id) REFERENCES consents (tenant_id, id),
    CONSTRAINT fk_consent_revocations_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
ALTER TABLE consent_revocations ENABLE ROW LEVEL SECURITY;
ALTER TABLE consent_revocations FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_consents ON consent_revocations FOR SELECT
    USING (EXISTS (SELECT 1 FROM consents c
        WHERE c.tenant_id = consent_revocations.tenant_id AND c.id = consent_revocations.consent_id
          AND c.grantee_organisation_id = app_current_partner_organisation()));
CREATE POLICY tenant_isolation ON consent_revocations
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON consent_revocations TO casework_app;
GRANT UPDATE (note) ON consent_revocations TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON consent_revocations FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

