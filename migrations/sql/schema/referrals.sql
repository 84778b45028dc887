-- Referrals to network partners, their status changes and progress reports. Partners see the
-- referrals made to them by any jobcenter and change their status (creating one is the
-- jobcenter's alone), and read and write what hangs off them.

CREATE TABLE referrals (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    client_id uuid NOT NULL,
    partner_organisation_id uuid NOT NULL,
    service_category varchar(40) NOT NULL,
    purpose text NOT NULL,
    first_report_due date NOT NULL,
    status varchar(20) DEFAULT 'sent' NOT NULL,
    created_by_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT pk_referrals PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_referrals_partner_organisation_id_partner_organisations FOREIGN KEY (partner_organisation_id) REFERENCES partner_organisations (id),
    CONSTRAINT fk_referrals_tenant_id_case_id_cases FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_referrals_tenant_id_client_id_clients FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT fk_referrals_tenant_id_created_by_id_staff_users FOREIGN KEY (tenant_id, created_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_referrals_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_referrals_case_id ON referrals (case_id);
CREATE INDEX ix_referrals_client_id ON referrals (client_id);
CREATE INDEX ix_referrals_id ON referrals (id);
CREATE INDEX ix_referrals_partner_organisation_id ON referrals (partner_organisation_id, created_at);
ALTER TABLE referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE referrals FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_referral_updates ON referrals FOR UPDATE
    USING (partner_organisation_id = app_current_partner_organisation())
    WITH CHECK (partner_organisation_id = app_current_partner_organisation());
CREATE POLICY partner_referrals ON referrals FOR SELECT
    USING (partner_organisation_id = app_current_partner_organisation());
CREATE POLICY tenant_isolation ON referrals
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON referrals TO casework_app;

CREATE TABLE referral_status_changes (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    referral_id uuid NOT NULL,
    status varchar(20) NOT NULL,
    reason text,
    changed_by_kind varchar(10) NOT NULL,
    changed_by_id uuid NOT NULL,
    changed_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_referral_status_changes PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_referral_status_changes_tenant_id_referral_id_referrals FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id),
    CONSTRAINT fk_referral_status_changes_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_referral_status_changes_referral_id ON referral_status_changes (referral_id);
ALTER TABLE referral_status_changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE referral_status_changes FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_referrals ON referral_status_changes
    USING (EXISTS (SELECT 1 FROM referrals r
        WHERE r.tenant_id = referral_status_changes.tenant_id AND r.id = referral_status_changes.referral_id
          AND r.partner_organisation_id = app_current_partner_organisation()))
    WITH CHECK (EXISTS (SELECT 1 FROM referrals r
        WHERE r.tenant_id = referral_status_changes.tenant_id AND r.id = referral_status_changes.referral_id
          AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY tenant_isolation ON referral_status_changes
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON referral_status_changes TO casework_app;
GRANT UPDATE (reason) ON referral_status_changes TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON referral_status_changes FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

CREATE TABLE progress_reports (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    referral_id uuid NOT NULL,
    reported_on date NOT NULL,
    attendance varchar(10) NOT NULL,
    status varchar(20) NOT NULL,
    text text NOT NULL,
    next_appointment timestamptz,
    author_organisation_id uuid NOT NULL,
    author_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_progress_reports PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_progress_reports_tenant_id_referral_id_referrals FOREIGN KEY (tenant_id, referral_id) REFERENCES referrals (tenant_id, id),
    CONSTRAINT fk_progress_reports_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_progress_reports_referral_id ON progress_reports (referral_id);
ALTER TABLE progress_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE progress_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY partner_referrals ON progress_reports
    USING (EXISTS (SELECT 1 FROM referrals r
        WHERE r.tenant_id = progress_reports.tenant_id AND r.id = progress_reports.referral_id
          AND r.partner_organisation_id = app_current_partner_organisation()))
    WITH CHECK (EXISTS (SELECT 1 FROM referrals r
        WHERE r.tenant_id = progress_reports.tenant_id AND r.id = progress_reports.referral_id
          AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY tenant_isolation ON progress_reports
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON progress_reports TO casework_app;
GRANT UPDATE (text, next_appointment) ON progress_reports TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON progress_reports FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

