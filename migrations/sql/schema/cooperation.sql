-- Potenzialanalyse and Kooperationsplan (§§ 15, 15a SGB II since 1 July 2023): the analysis and
-- its items (classified per row: a need on addiction is addiction data), the plan's versions with
-- their legal basis, joint reviews, conciliations (Schlichtung) and requests to act with advice
-- on legal consequences. Erasable columns and the erasure trigger as in cases.sql.

CREATE TABLE potential_analyses (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    conducted_on date NOT NULL,
    conducted_by_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_potential_analyses PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_potential_analyses_tenant_id_case_id_cases FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_potential_analyses_tenant_id_conducted_by_id_staff_users FOREIGN KEY (tenant_id, conducted_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_potential_analyses_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_potential_analyses_case_id ON potential_analyses (case_id);
CREATE INDEX ix_potential_analyses_id ON potential_analyses (id);
ALTER TABLE potential_analyses ENABLE ROW LEVEL SECURITY;
ALTER TABLE potential_analyses FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON potential_analyses
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON potential_analyses TO casework_app;

CREATE TABLE potential_analysis_items (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    analysis_id uuid NOT NULL,
    "position" integer NOT NULL,
    kind varchar(20) NOT NULL,
    subcategory varchar(40) NOT NULL,
    data_category varchar(40) NOT NULL,
    text varchar(1000) NOT NULL,
    CONSTRAINT pk_potential_analysis_items PRIMARY KEY (tenant_id, id),
    CONSTRAINT ck_potential_analysis_items_kind_known CHECK (kind IN ('strength', 'need', 'client_view')),
    CONSTRAINT fk_potential_analysis_items_analysis FOREIGN KEY (tenant_id, analysis_id) REFERENCES potential_analyses (tenant_id, id),
    CONSTRAINT fk_potential_analysis_items_tenant_id_case_id_cases FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_potential_analysis_items_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_potential_analysis_items_case_id ON potential_analysis_items (case_id);
ALTER TABLE potential_analysis_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE potential_analysis_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON potential_analysis_items
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON potential_analysis_items TO casework_app;
GRANT UPDATE (text) ON potential_analysis_items TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON potential_analysis_items FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

CREATE TABLE cooperation_plans (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    number integer NOT NULL,
    legal_basis varchar(60) NOT NULL,
    potential_analysis_id uuid,
    valid_from date NOT NULL,
    valid_until date,
    superseded_from date,
    review_due date NOT NULL,
    plain_text text,
    plan jsonb NOT NULL,
    client_position varchar(20) NOT NULL,
    client_position_on date,
    client_position_note text,
    drawn_up_by_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_cooperation_plans PRIMARY KEY (tenant_id, id),
    CONSTRAINT uq_cooperation_plans_tenant_id_case_id_number UNIQUE (tenant_id, case_id, number),
    CONSTRAINT ck_cooperation_plans_position_known CHECK (client_position IN ('pending', 'agreed', 'disagreed')),
    CONSTRAINT fk_cooperation_plans_potential_analysis FOREIGN KEY (tenant_id, potential_analysis_id) REFERENCES potential_analyses (tenant_id, id),
    CONSTRAINT fk_cooperation_plans_tenant_id_case_id_cases FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_cooperation_plans_tenant_id_drawn_up_by_id_staff_users FOREIGN KEY (tenant_id, drawn_up_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_cooperation_plans_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_cooperation_plans_case_id ON cooperation_plans (case_id);
CREATE INDEX ix_cooperation_plans_id ON cooperation_plans (id);
ALTER TABLE cooperation_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE cooperation_plans FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cooperation_plans
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON cooperation_plans TO casework_app;

CREATE TABLE cooperation_plan_reviews (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    plan_id uuid NOT NULL,
    reviewed_on date NOT NULL,
    with_client boolean NOT NULL,
    notes text NOT NULL,
    next_review_due date NOT NULL,
    author_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_cooperation_plan_reviews PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_cooperation_plan_reviews_tenant_id_author_id_staff_users FOREIGN KEY (tenant_id, author_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_cooperation_plan_reviews_tenant_id_case_id_cases FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_cooperation_plan_reviews_tenant_id_plan_id_cooperation_plans FOREIGN KEY (tenant_id, plan_id) REFERENCES cooperation_plans (tenant_id, id),
    CONSTRAINT fk_cooperation_plan_reviews_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_cooperation_plan_reviews_case_id ON cooperation_plan_reviews (case_id);
ALTER TABLE cooperation_plan_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE cooperation_plan_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cooperation_plan_reviews
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON cooperation_plan_reviews TO casework_app;
GRANT UPDATE (notes) ON cooperation_plan_reviews TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON cooperation_plan_reviews FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

CREATE TABLE conciliations (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    plan_id uuid NOT NULL,
    started_on date NOT NULL,
    requested_by varchar(20) NOT NULL,
    subject text NOT NULL,
    status varchar(20) NOT NULL,
    ended_on date,
    outcome text,
    recorded_by_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_conciliations PRIMARY KEY (tenant_id, id),
    CONSTRAINT ck_conciliations_requester_known CHECK (requested_by IN ('client', 'jobcenter', 'both')),
    CONSTRAINT ck_conciliations_status_known CHECK (status IN ('open', 'agreed', 'not_agreed')),
    CONSTRAINT fk_conciliations_tenant_id_case_id_cases FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_conciliations_tenant_id_plan_id_cooperation_plans FOREIGN KEY (tenant_id, plan_id) REFERENCES cooperation_plans (tenant_id, id),
    CONSTRAINT fk_conciliations_tenant_id_recorded_by_id_staff_users FOREIGN KEY (tenant_id, recorded_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_conciliations_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_conciliations_case_id ON conciliations (case_id);
CREATE INDEX ix_conciliations_id ON conciliations (id);
ALTER TABLE conciliations ENABLE ROW LEVEL SECURITY;
ALTER TABLE conciliations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON conciliations
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON conciliations TO casework_app;

CREATE TABLE cooperation_requests (
    tenant_id uuid NOT NULL,
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    case_id uuid NOT NULL,
    plan_id uuid,
    issued_on date NOT NULL,
    action text NOT NULL,
    due_on date NOT NULL,
    legal_consequences text NOT NULL,
    issued_by_id uuid NOT NULL,
    created_at timestamptz DEFAULT now() NOT NULL,
    CONSTRAINT pk_cooperation_requests PRIMARY KEY (tenant_id, id),
    CONSTRAINT fk_cooperation_requests_tenant_id_case_id_cases FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    CONSTRAINT fk_cooperation_requests_tenant_id_issued_by_id_staff_users FOREIGN KEY (tenant_id, issued_by_id) REFERENCES staff_users (tenant_id, id),
    CONSTRAINT fk_cooperation_requests_tenant_id_plan_id_cooperation_plans FOREIGN KEY (tenant_id, plan_id) REFERENCES cooperation_plans (tenant_id, id),
    CONSTRAINT fk_cooperation_requests_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
);
CREATE INDEX ix_cooperation_requests_case_id ON cooperation_requests (case_id);
CREATE INDEX ix_cooperation_requests_id ON cooperation_requests (id);
ALTER TABLE cooperation_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE cooperation_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cooperation_requests
    USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON cooperation_requests TO casework_app;
GRANT UPDATE (action, legal_consequences) ON cooperation_requests TO casework_app;
CREATE TRIGGER erasure_only BEFORE UPDATE ON cooperation_requests FOR EACH ROW EXECUTE FUNCTION refuse_update_outside_erasure();

