-- Cases and their content: intake, assessment, integration plan and steering, agreements
-- (immutable versions), reviews, after-care notes, documents. At most one open case a client.
-- Lookups by case_id, referral_id and staff without the tenant in front: RLS adds the tenant as
-- an OR-ed filter, so a tenant-led index scanned whole (a partner's assessment entries for 13
-- cases 34 ms -> < 1 ms; a placement officer's cases 15.7 ms -> 0.17 ms; bench/RESULTS.md).
-- Tables the service's role only inserts into get UPDATE on exactly the columns erasure blanks,
-- behind the trigger erasure_only (functions/refuse_update_outside_erasure.sql).

CREATE TABLE cases (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    client_id uuid NOT NULL,
    status varchar(20) DEFAULT 'proposed' NOT NULL,
    responsible_case_manager_id uuid,
    deputy_case_manager_id uuid,
    version integer DEFAULT 1 NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    proposed_by_id uuid,
    profile varchar(20),
    intake_reasoning text,
    decided_by_id uuid,
    decided_at timestamptz,
    care_variant varchar(20),
    decision_reasoning text,
    decline_reason text,
    admitted_on date,
    next_review_due date,
    closed_on date,
    closing_reason varchar(40),
    closing_reasoning text,
    aftercare_until date,
    CONSTRAINT pk_cases PRIMARY KEY (tenant_id, id),
    CONSTRAINT ck_cases_status_known CHECK (status IN ('proposed', 'declined', 'admitted', 'closed')),
    CONSTRAINT fk_cases_decided_by_id FOREIGN KEY (tenant_id, decided_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_cases_proposed_by_id FOREIGN KEY (tenant_id, proposed_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_cases_tenant_id_clients FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id),
    CONSTRAINT fk_cases_tenant_id_staff_users FOREIGN KEY (tenant_id, responsible_case_manager_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_cases_tenant_id_staff_users_1 FOREIGN KEY (tenant_id, deputy_case_manager_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_cases_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_cases_client_id ON cases (client_id);
CREATE INDEX ix_cases_deputy_case_manager_id ON cases (deputy_case_manager_id);
CREATE INDEX ix_cases_id ON cases (id);
CREATE INDEX ix_cases_proposed_by_id ON cases (proposed_by_id);
CREATE INDEX ix_cases_responsible_case_manager_id ON cases (responsible_case_manager_id);
CREATE UNIQUE INDEX uq_cases_one_open_per_client ON cases (tenant_id, client_id) WHERE status IN ('proposed', 'admitted');
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE cases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cases
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON cases TO casework_app;

CREATE TABLE case_profiling_items (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    "position" integer NOT NULL,
    category varchar(20) NOT NULL,
    detail varchar(500) NOT NULL,
    subcategory varchar(40),
    data_category varchar(40) NOT NULL,
    CONSTRAINT pk_case_profiling_items PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_case_profiling_items_case FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_case_profiling_items_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_case_profiling_items_case_id ON case_profiling_items (case_id);
ALTER TABLE case_profiling_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_profiling_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON case_profiling_items
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON case_profiling_items TO casework_app;
GRANT UPDATE (detail) ON case_profiling_items TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON case_profiling_items FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

CREATE TABLE assessment_entries (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    kind varchar(20) NOT NULL,
    category varchar(20) NOT NULL,
    subcategory varchar(40) NOT NULL,
    data_category varchar(40) NOT NULL,
    subject varchar(200) NOT NULL,
    detail text,
    recorded_by_id uuid NOT NULL,
    updated_at timestamptz DEFAULT now() NOT NULL,
    replaces_id uuid,
    superseded_at timestamptz,
    CONSTRAINT pk_assessment_entries PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_assessment_entries_case FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_assessment_entries_recorded_by_id FOREIGN KEY (tenant_id, recorded_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_assessment_entries_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_assessment_entries_case_id ON assessment_entries (case_id);
CREATE INDEX ix_assessment_entries_id ON assessment_entries (id);
ALTER TABLE assessment_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessment_entries
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON assessment_entries TO casework_app;
GRANT UPDATE (subject, detail) ON assessment_entries TO casework_app;

CREATE TABLE plan_items (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    kind varchar(20) NOT NULL,
    goal_id uuid,
    sub_goal_id uuid,
    title varchar(300) NOT NULL,
    resources text,
    target_date date,
    responsible varchar(20),
    partner_organisation_id uuid,
    outcome varchar(20),
    outcome_on date,
    outcome_reason text,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_plan_items PRIMARY KEY (tenant_id, id),
    CONSTRAINT ck_plan_items_kind_known CHECK (kind IN ('goal', 'sub_goal', 'activity')),
    CONSTRAINT fk_plan_items_case FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_plan_items_goal FOREIGN KEY (tenant_id, goal_id) REFERENCES plan_items (tenant_id, id),
    CONSTRAINT fk_plan_items_partner_organisation FOREIGN KEY (partner_organisation_id) REFERENCES partner_organisations (id),
    CONSTRAINT fk_plan_items_sub_goal FOREIGN KEY (tenant_id, sub_goal_id) REFERENCES plan_items (tenant_id, id),
    CONSTRAINT fk_plan_items_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_plan_items_case_id ON plan_items (case_id);
CREATE INDEX ix_plan_items_id ON plan_items (id);
ALTER TABLE plan_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plan_items
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON plan_items TO casework_app;

CREATE TABLE integration_agreements (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    number integer NOT NULL,
    valid_from date NOT NULL,
    valid_until date NOT NULL,
    plan jsonb NOT NULL,
    concluded_by_id uuid NOT NULL,
    concluded_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_integration_agreements PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_integration_agreements_tenant_id_case_id_number UNIQUE (tenant_id, case_id, number),
    CONSTRAINT fk_integration_agreements_case FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_integration_agreements_concluded_by_id FOREIGN KEY (tenant_id, concluded_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_integration_agreements_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
ALTER TABLE integration_agreements ENABLE ROW LEVEL SECURITY;
ALTER TABLE integration_agreements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON integration_agreements
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON integration_agreements TO casework_app;
GRANT UPDATE (plan) ON integration_agreements TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON integration_agreements FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

CREATE TABLE case_reviews (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    reviewed_on date NOT NULL,
    reasoning text NOT NULL,
    prognosis text NOT NULL,
    profile_before varchar(20),
    profile_after varchar(20),
    next_review_due date NOT NULL,
    author_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_case_reviews PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_case_reviews_author_id FOREIGN KEY (tenant_id, author_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_case_reviews_case FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_case_reviews_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_case_reviews_case_id ON case_reviews (case_id);
ALTER TABLE case_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON case_reviews
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON case_reviews TO casework_app;
GRANT UPDATE (reasoning, prognosis) ON case_reviews TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON case_reviews FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

CREATE TABLE aftercare_notes (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    text text NOT NULL,
    author_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_aftercare_notes PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_aftercare_notes_author_id FOREIGN KEY (tenant_id, author_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_aftercare_notes_case FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_aftercare_notes_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_aftercare_notes_case_id ON aftercare_notes (case_id);
ALTER TABLE aftercare_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE aftercare_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON aftercare_notes
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON aftercare_notes TO casework_app;
GRANT UPDATE (text) ON aftercare_notes TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON aftercare_notes FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

CREATE TABLE case_documents (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    title varchar(200) NOT NULL,
    area varchar(20) NOT NULL,
    author_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    access_until date,
    visible_to_client boolean DEFAULT false NOT NULL,
    media_type varchar(100) NOT NULL,
    size_bytes integer NOT NULL,
    content bytea NOT NULL,
    data_category varchar(40) NOT NULL,
    CONSTRAINT pk_case_documents PRIMARY KEY (tenant_id, id),
    CONSTRAINT ck_case_documents_area_known CHECK (area IN ('integration', 'protected')),
    CONSTRAINT fk_case_documents_author_id FOREIGN KEY (tenant_id, author_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_case_documents_case FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_case_documents_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_case_documents_case_id ON case_documents (case_id);
CREATE INDEX ix_case_documents_id ON case_documents (id);
ALTER TABLE case_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON case_documents
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON case_documents TO casework_app;
GRANT UPDATE (content) ON case_documents TO casework_app;

