-- The service's role. Roles are cluster-wide: another database on the same server (tests, a
-- second environment) may have created it already. NOBYPASSRLS and owning nothing is the point
-- (DESIGN.md, invariant 4): the service connects as this role, and row-level security (forced on
-- every tenant table) confines it to the bound jobcenter or partner organisation. Its password
-- is set by `service migrate` (DATABASE_APP_PASSWORD), never here.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'casework_app') THEN
        CREATE ROLE casework_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO casework_app;
-- /readyz reads the database's revision (and which code may serve it) as this role.
GRANT SELECT ON alembic_version TO casework_app;
