-- As the baseline built them. Since migration 0007 these policies compare the row alone
-- (`app_current_partner_organisation() = ANY (reached_by)`, service/tenants/reach.py): Citus
-- refuses a subquery in a policy of a distributed table.
-- Partners reach a client's rows only through a referral made to their organisation (by any
-- jobcenter): the client, their restriction, the case and the case's content. Rows, not fields:
-- which of these rows' fields a partner reads is decided per data category by the field guard
-- and the client's consent (policies.polar). Without a referral they reach no row at all,
-- whatever a consent says. Read-only: partners change nothing here.

-- A partner must learn that a client it works with is restricted, to be refused clearly.
CREATE POLICY partner_via_referral ON clients FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = clients.tenant_id AND r.client_id = clients.id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON client_restrictions FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = client_restrictions.tenant_id AND r.client_id = client_restrictions.client_id
       AND r.partner_organisation_id = app_current_partner_organisation()));

CREATE POLICY partner_via_referral ON cases FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = cases.tenant_id AND r.case_id = cases.id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON case_profiling_items FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = case_profiling_items.tenant_id AND r.case_id = case_profiling_items.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON assessment_entries FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = assessment_entries.tenant_id AND r.case_id = assessment_entries.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON plan_items FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = plan_items.tenant_id AND r.case_id = plan_items.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON integration_agreements FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = integration_agreements.tenant_id AND r.case_id = integration_agreements.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON case_reviews FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = case_reviews.tenant_id AND r.case_id = case_reviews.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON aftercare_notes FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = aftercare_notes.tenant_id AND r.case_id = aftercare_notes.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON case_documents FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = case_documents.tenant_id AND r.case_id = case_documents.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON potential_analyses FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = potential_analyses.tenant_id AND r.case_id = potential_analyses.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON potential_analysis_items FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = potential_analysis_items.tenant_id AND r.case_id = potential_analysis_items.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON cooperation_plans FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = cooperation_plans.tenant_id AND r.case_id = cooperation_plans.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON cooperation_plan_reviews FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = cooperation_plan_reviews.tenant_id AND r.case_id = cooperation_plan_reviews.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON conciliations FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = conciliations.tenant_id AND r.case_id = conciliations.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
CREATE POLICY partner_via_referral ON cooperation_requests FOR SELECT USING (EXISTS (
    SELECT 1 FROM referrals r WHERE r.tenant_id = cooperation_requests.tenant_id AND r.case_id = cooperation_requests.case_id
       AND r.partner_organisation_id = app_current_partner_organisation()));
