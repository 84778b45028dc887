-- EXPERIMENT ONLY, not the product's schema: drops the partner policies whose EXISTS subquery
-- Citus refuses on distributed tables ("cannot create policy: Subqueries are not supported in
-- policies on distributed tables"), so that distribute.sql can run and the rest of the schema
-- can be tried on the cluster. Without them a partner sees no client, case or case content
-- through row-level security at all (fail-closed): the partner tests are expected to fail.
-- `CITUS_DROP_PARTNER_POLICIES=1 make test-citus` applies it; docs/scale-out.md has the result.
DO $$
DECLARE p record;
BEGIN
    FOR p IN SELECT schemaname, tablename, policyname FROM pg_policies
              WHERE schemaname = 'public' AND qual ~* 'EXISTS' LOOP
        EXECUTE format('DROP POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename);
    END LOOP;
END
$$;
