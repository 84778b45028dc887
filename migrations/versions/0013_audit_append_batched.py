"""audit_append without a write per record: the chain is computed in memory per tenant and the
records go in with one INSERT, the chain head with one UPDATE per tenant.

Same records, same hashes, same order within a tenant as before (verification is unchanged);
the per-record INSERT and UPDATE of 0006 were most of its ≈ 90 µs a record (bench/RESULTS.md).

Revision ID: 0013_audit_append_batched
Revises: 0012_access_path_indexes
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_audit_append_batched"
down_revision: str | None = "0012_access_path_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The canonical text of 0006 (a migration keeps its own copy: 0006 may never change).
CANONICAL = """concat_ws('|', rec.tenant_id::text, rec.seq::text,
    (extract(epoch from rec.occurred_at) * 1000000)::bigint::text, rec.request_id::text,
    rec.operation, rec.action, rec.actor_kind, rec.actor_id::text,
    coalesce(rec.actor_organisation_id::text, ''), rec.subject_id::text, rec.object_type,
    rec.object_id::text, array_to_string(rec.fields, ','), rec.basis,
    encode(rec.prev_hash, 'hex'))"""

BATCHED = """
CREATE OR REPLACE FUNCTION audit_append(events jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    tenant uuid;
    event jsonb;
    rec audit_log%ROWTYPE;
    head audit_chain_heads%ROWTYPE;
    records audit_log[] := '{}';
BEGIN
    -- Lock every head first, in tenant order: two requests touching the same tenants in a
    -- different order cannot deadlock.
    INSERT INTO audit_chain_heads (tenant_id, seq, hash)
    SELECT DISTINCT (e->>'tenant_id')::uuid, 0, ''::bytea FROM jsonb_array_elements(events) e
    ON CONFLICT (tenant_id) DO NOTHING;
    PERFORM 1 FROM audit_chain_heads
     WHERE tenant_id IN (SELECT DISTINCT (e->>'tenant_id')::uuid
                           FROM jsonb_array_elements(events) e)
     ORDER BY tenant_id FOR UPDATE;
    FOR tenant IN SELECT DISTINCT (e->>'tenant_id')::uuid FROM jsonb_array_elements(events) e
                   ORDER BY 1 LOOP
        SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = tenant;
        FOR event IN SELECT x.e FROM jsonb_array_elements(events) WITH ORDINALITY x(e, n)
                      WHERE (x.e->>'tenant_id')::uuid = tenant ORDER BY x.n LOOP
            rec.tenant_id := tenant;
            rec.seq := head.seq + 1;
            rec.occurred_at := (event->>'occurred_at')::timestamptz;
            rec.request_id := (event->>'request_id')::uuid;
            rec.operation := event->>'operation';
            rec.action := event->>'action';
            rec.actor_kind := event->>'actor_kind';
            rec.actor_id := (event->>'actor_id')::uuid;
            rec.actor_organisation_id := (event->>'actor_organisation_id')::uuid;
            rec.subject_id := (event->>'subject_id')::uuid;
            rec.object_type := event->>'object_type';
            rec.object_id := (event->>'object_id')::uuid;
            rec.fields := ARRAY(SELECT jsonb_array_elements_text(event->'fields'));
            rec.basis := event->>'basis';
            rec.prev_hash := head.hash;
            rec.hash := sha256(convert_to({canonical}, 'UTF8'));
            records := records || rec;
            head.seq := rec.seq;
            head.hash := rec.hash;
        END LOOP;
        UPDATE audit_chain_heads SET seq = head.seq, hash = head.hash WHERE tenant_id = tenant;
    END LOOP;
    INSERT INTO audit_log SELECT * FROM unnest(records);
    RETURN cardinality(records);
END
$$
""".replace("{canonical}", CANONICAL)

PER_RECORD = """
CREATE OR REPLACE FUNCTION audit_append(events jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    event jsonb;
    rec audit_log%ROWTYPE;
    head audit_chain_heads%ROWTYPE;
    written integer := 0;
BEGIN
    INSERT INTO audit_chain_heads (tenant_id, seq, hash)
    SELECT DISTINCT (e->>'tenant_id')::uuid, 0, ''::bytea FROM jsonb_array_elements(events) e
    ON CONFLICT (tenant_id) DO NOTHING;
    PERFORM 1 FROM audit_chain_heads
     WHERE tenant_id IN (SELECT DISTINCT (e->>'tenant_id')::uuid
                           FROM jsonb_array_elements(events) e)
     ORDER BY tenant_id FOR UPDATE;
    FOR event IN SELECT * FROM jsonb_array_elements(events) LOOP
        SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = (event->>'tenant_id')::uuid;
        rec.tenant_id := head.tenant_id;
        rec.seq := head.seq + 1;
        rec.occurred_at := (event->>'occurred_at')::timestamptz;
        rec.request_id := (event->>'request_id')::uuid;
        rec.operation := event->>'operation';
        rec.action := event->>'action';
        rec.actor_kind := event->>'actor_kind';
        rec.actor_id := (event->>'actor_id')::uuid;
        rec.actor_organisation_id := (event->>'actor_organisation_id')::uuid;
        rec.subject_id := (event->>'subject_id')::uuid;
        rec.object_type := event->>'object_type';
        rec.object_id := (event->>'object_id')::uuid;
        rec.fields := ARRAY(SELECT jsonb_array_elements_text(event->'fields'));
        rec.basis := event->>'basis';
        rec.prev_hash := head.hash;
        rec.hash := sha256(convert_to({canonical}, 'UTF8'));
        INSERT INTO audit_log VALUES (rec.*);
        UPDATE audit_chain_heads SET seq = rec.seq, hash = rec.hash
         WHERE tenant_id = rec.tenant_id;
        written := written + 1;
    END LOOP;
    RETURN written;
END
$$
""".replace("{canonical}", CANONICAL)


def upgrade() -> None:
    # CREATE OR REPLACE keeps the function's owner and its grants (EXECUTE for the app role).
    op.execute(BATCHED)


def downgrade() -> None:
    op.execute(PER_RECORD)
