-- The jobcenter bound to this transaction (service/tenants/binding.py); every tenant table's
-- row-level security compares with it. After a commit a pooled connection returns '' (not NULL)
-- for an unset custom setting (FIELD-NOTES.md, RLS): NULLIF makes "no scope bound" match no row.
CREATE OR REPLACE FUNCTION app_current_tenant() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

GRANT EXECUTE ON FUNCTION app_current_tenant() TO casework_app;
