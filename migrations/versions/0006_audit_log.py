"""The audit log: partitioned by month, chained per tenant, append-only.

The service's role gets SELECT on the log and EXECUTE on `audit_append`, nothing else: it cannot
insert a record of its own making, nor change or delete one. `audit_append` (SECURITY DEFINER,
owned by the migrating owner) numbers and chains the records: each record's hash is SHA-256
over its canonical content and the previous record's hash in the same tenant. The chain head is
locked per tenant while a request appends, so the records of concurrent requests interleave
without forking the chain (FIELD-NOTES.md, audit tables).

Revision ID: 0006_audit_log
Revises: 0005_partner_paths
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision: str = "0006_audit_log"
down_revision: str | None = "0005_partner_paths"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"
FIRST_MONTH = date(2026, 1, 1)
MONTHS_AHEAD = 36  # `service audit partitions` adds more; a record without a partition fails

# The canonical text a record's hash covers; service/audit/verify.py computes the same.
CANONICAL = """concat_ws('|', {r}.tenant_id::text, {r}.seq::text,
    (extract(epoch from {r}.occurred_at) * 1000000)::bigint::text, {r}.request_id::text,
    {r}.operation, {r}.action, {r}.actor_kind, {r}.actor_id::text,
    coalesce({r}.actor_organisation_id::text, ''), {r}.subject_id::text, {r}.object_type,
    {r}.object_id::text, array_to_string({r}.fields, ','), {r}.basis,
    encode({r}.prev_hash, 'hex'))"""


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", UUID(as_uuid=True), nullable=False),
        sa.Column("operation", sa.String(100), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("actor_kind", sa.String(10), nullable=False),
        sa.Column("actor_id", UUID(as_uuid=True), nullable=False),
        sa.Column("actor_organisation_id", UUID(as_uuid=True), nullable=True),
        sa.Column("subject_id", UUID(as_uuid=True), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", UUID(as_uuid=True), nullable=False),
        sa.Column("fields", ARRAY(sa.Text()), nullable=False),
        sa.Column("basis", sa.String(100), nullable=False),
        sa.Column("prev_hash", sa.LargeBinary(), nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq", "occurred_at", name="pk_audit_log"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_audit_log_tenant_id_tenants"
        ),
        postgresql_partition_by="RANGE (occurred_at)",
    )
    op.create_index(
        "ix_audit_log_tenant_id_subject_id_occurred_at",
        "audit_log",
        ["tenant_id", "subject_id", "occurred_at"],
    )
    for offset in range(MONTHS_AHEAD):
        op.execute(_partition_sql(offset))
    op.create_table(
        "audit_chain_heads",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_audit_chain_heads"),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name="fk_audit_chain_heads_tenant_id_tenants"
        ),
    )
    for table in ("audit_log", "audit_chain_heads"):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    # Reading: a jobcenter's own records (DPO, Auskunft). Appending happens only inside
    # audit_append, running as the owner; the app role holds no INSERT to use these policies.
    op.execute(
        "CREATE POLICY tenant_isolation ON audit_log FOR SELECT"
        " USING (tenant_id = app_current_tenant())"
    )
    op.execute("CREATE POLICY append_only ON audit_log FOR INSERT WITH CHECK (true)")
    op.execute("CREATE POLICY chain_keeping ON audit_chain_heads USING (true) WITH CHECK (true)")
    op.execute(_APPEND_FUNCTION.replace("{canonical}", CANONICAL.format(r="rec")))
    op.execute("REVOKE ALL ON FUNCTION audit_append(jsonb) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION audit_append(jsonb) TO {APP_ROLE}")
    op.execute(f"GRANT SELECT ON audit_log, audit_chain_heads TO {APP_ROLE}")


def _partition_sql(offset: int) -> str:
    year, month = divmod(FIRST_MONTH.month - 1 + offset, 12)
    start = date(FIRST_MONTH.year + year, month + 1, 1)
    year, month = divmod(start.month, 12)
    end = date(start.year + year, month + 1, 1)
    return (
        f"CREATE TABLE audit_log_{start:%Y_%m} PARTITION OF audit_log"
        f" FOR VALUES FROM ('{start}') TO ('{end}')"
    )


_APPEND_FUNCTION = """
CREATE FUNCTION audit_append(events jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    event jsonb;
    rec audit_log%ROWTYPE;
    head audit_chain_heads%ROWTYPE;
    written integer := 0;
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
"""


def downgrade() -> None:
    op.execute("DROP FUNCTION audit_append(jsonb)")
    op.drop_table("audit_chain_heads")
    op.drop_table("audit_log")
