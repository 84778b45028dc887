-- The audit log decoded back to names, one row per entry: for operators and tests (the service
-- reads the tables and decodes in Python, service/audit/codes.py). security_invoker: whoever
-- reads it is confined by the tables' row-level security, as if reading them directly.
CREATE OR REPLACE VIEW audit_records WITH (security_invoker = true) AS
SELECT r.tenant_id, r.lane, r.seq, e.entry, r.occurred_at, r.request_id, r.operation, k.action,
       r.actor_kind, r.actor_id, r.actor_organisation_id, e.subject_id, k.object_type,
       coalesce(e.object_id, e.subject_id) AS object_id,
       ARRAY(SELECT f.name::text FROM audit_fields f
              WHERE f.tenant_id = e.tenant_id AND f.kind = e.kind
                AND e.fields & (1::bigint << f.bit) <> 0
              ORDER BY f.name COLLATE "C") AS fields,
       b.name AS basis
  FROM audit_entries e
  JOIN audit_requests r ON r.tenant_id = e.tenant_id AND r.lane = e.lane AND r.seq = e.seq
                       AND r.occurred_at = e.occurred_at
  JOIN audit_kinds k ON k.tenant_id = e.tenant_id AND k.code = e.kind
  JOIN audit_bases b ON b.tenant_id = e.tenant_id AND b.code = e.basis;
