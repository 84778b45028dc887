-- The partner organisation bound to this transaction (service/tenants/binding.py), for the
-- partner paths of row-level security. NULLIF: see app_current_tenant.sql.
CREATE OR REPLACE FUNCTION app_current_partner_organisation() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('app.partner_organisation_id', true), '')::uuid $$;

GRANT EXECUTE ON FUNCTION app_current_partner_organisation() TO casework_app;
