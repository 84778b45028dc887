-- Binds a transaction to the request's scope (service/tenants/binding.py): the settings that
-- app_current_tenant() and app_current_partner_organisation() read for row-level security.
-- SET LOCAL, not set_config(): on Citus the policies are evaluated on the workers, and Citus
-- forwards a transaction's SET LOCAL commands to them (citus.propagate_set_commands = 'local'),
-- never a set_config() call (measured on 13.2.2, docs/scale-out.md). SET takes no bind
-- parameter, so the values are inlined here, from uuid parameters by %L: only a uuid or nothing
-- can reach the command, and the setting names are fixed. One call binds both settings, so a
-- transaction keeps one binding round trip and every tenant shares one prepared statement.
CREATE OR REPLACE FUNCTION app_bind_scope(tenant uuid, partner_organisation uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    EXECUTE format('SET LOCAL app.tenant_id = %L', coalesce(tenant::text, ''));
    EXECUTE format('SET LOCAL app.partner_organisation_id = %L',
                   coalesce(partner_organisation::text, ''));
END
$$;

REVOKE ALL ON FUNCTION app_bind_scope(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_bind_scope(uuid, uuid) TO casework_app;
