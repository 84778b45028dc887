-- Distribute the schema on Citus by tenant (jobcenter). Run once, as the owner, on the
-- coordinator, after `service migrate` has created the schema and before data arrives.
-- Every table of the database is named here as reference or distributed;
-- tests/db/test_citus_rules.py fails on a table without a decision. See docs/scale-out.md.
-- Tried on Citus 13.2.2 (`make test-citus`). No policy holds a subquery since migration 0007
-- (Citus refuses them in policies of distributed tables; tests/db/test_partner_policies.py).

-- The transaction-local tenant setting must reach the workers for row-level security there:
-- Citus forwards SET LOCAL (not set_config()) with this setting, read at the coordinator.
ALTER SYSTEM SET citus.propagate_set_commands = 'local';
SELECT pg_reload_conf();

-- Otherwise the first reference table turns every table with a foreign key to it into a "Citus
-- local table", which create_distributed_table then refuses to co-locate (tried on 13.2.2).
SET citus.enable_local_reference_table_foreign_keys = off;
-- Citus refuses tables with triggers unless told: a trigger on a shard could touch other shards.
-- The erasure_only triggers (migration 0019) read one setting and touch no other table. It must
-- stay on at the coordinator for later DDL on those tables too.
ALTER SYSTEM SET citus.enable_unsafe_triggers = on;
SELECT pg_reload_conf();
SET citus.enable_unsafe_triggers = on;

-- Small, global, read everywhere: replicated to every node.
SELECT create_reference_table('tenants');
SELECT create_reference_table('partner_organisations');
SELECT create_reference_table('partner_users');

-- Everything of a jobcenter lives on one shard group: joins and foreign keys stay local.
-- Referenced tables first: a foreign key may only point at an already distributed table.
SELECT create_distributed_table('teams', 'tenant_id');
SELECT create_distributed_table('staff_users', 'tenant_id', colocate_with => 'teams');
SELECT create_distributed_table('clients', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('client_restrictions', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('network_memberships', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('cases', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('case_profiling_items', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('assessment_entries', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('plan_items', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('plan_item_revisions', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('integration_agreements', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('case_reviews', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('aftercare_notes', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('case_documents', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('potential_analyses', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('potential_analysis_items', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('cooperation_plans', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('cooperation_plan_reviews', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('conciliations', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('cooperation_requests', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('case_notes', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('appointments', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('follow_ups', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('referrals', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('referral_status_changes', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('progress_reports', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('consents', 'tenant_id', colocate_with => 'staff_users');
SELECT create_distributed_table('consent_revocations', 'tenant_id', colocate_with => 'staff_users');
-- The audit log (request links and their entries) stays partitioned by month on every shard;
-- its code dictionaries and chain heads (16 lanes a jobcenter) beside it: audit_append writes them
-- in one shard group. A colocation group of its own, not the case data's: audit_append runs as
-- its owner (SECURITY DEFINER), a write's records are appended in the write's transaction, and
-- Citus refuses a second user on placements co-located with ones the first modified in that
-- transaction ("cannot perform query on placements that were modified in this transaction by
-- a different user", docs/scale-out.md, item 7). No foreign key or query joins an audit table to
-- the case data (tests/db/test_citus_rules.py); a jobcenter's audit shard and data shard may
-- then lie on different workers.
SELECT create_distributed_table('audit_requests', 'tenant_id', colocate_with => 'none');
SELECT create_distributed_table('audit_entries', 'tenant_id', colocate_with => 'audit_requests');
SELECT create_distributed_table('audit_kinds', 'tenant_id', colocate_with => 'audit_requests');
SELECT create_distributed_table('audit_fields', 'tenant_id', colocate_with => 'audit_requests');
SELECT create_distributed_table('audit_bases', 'tenant_id', colocate_with => 'audit_requests');
SELECT create_distributed_table('audit_chain_heads', 'tenant_id', colocate_with => 'audit_requests');

-- Local to the coordinator: Alembic's bookkeeping.
-- local: alembic_version

-- Custom plans for the audit append on Citus, always: with the generic plans the function forces
-- on plain PostgreSQL (its lookups were re-planned on every call), Citus cannot route a statement
-- whose jobcenter is still a parameter ("could not create distributed plan", 2026-12-02); with
-- the default (auto) a backend's sixth call switched the lanes' INSERT … SELECT to a generic plan
-- and failed the same way (49 appends in the third try's first pass over tests/audit).
ALTER FUNCTION audit_append SET plan_cache_mode = force_custom_plan;
