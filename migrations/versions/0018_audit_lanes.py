"""Audit chain lanes: each jobcenter's chain becomes 16 parallel hash chains.

`audit_append` locked the jobcenter's one chain head until the request's transaction committed,
and in one asyncio process the COMMIT follows only when the event loop gets back to the request
(milliseconds to tens of milliseconds under load). Every request of a jobcenter queued on that
row: with 16 clients of one jobcenter, 3.8 of 16 backends waited on it on average, and a second
worker process gave no more throughput. Now a request takes the first lane no other transaction
holds (FOR UPDATE SKIP LOCKED) and waits only when all 16 are held, on a lane chosen from its
request id so waits spread.

- `audit_chain_heads`: one row per (tenant_id, lane), all 16 created on a jobcenter's first use.
- `audit_requests`: a link is (tenant_id, lane, seq); seq counts per lane, and a link's previous
  hash is the previous link's of the same lane. `audit_entries` reference (tenant_id, lane, seq).
- The lane is hashed only when it is not 0 (`NULLIF(lane, 0)` in `concat_ws` drops it): existing
  links become lane 0 and keep their hashes, so no record is rehashed and chain heads exported
  (anchored) before this migration still match. Rehashing would also have meant trusting the log
  at the moment of the migration.
- `seq` becomes an integer (per lane, 2,147,483,647 links: at a million requests a day into one
  lane, 5,000 years). That frees the 2 bytes the lane needs: links and entries are copied into
  tables whose columns are ordered so nothing is padded, and an entry stays 104 bytes, its key 48
  (bench/audit_size.py: 14.3 bytes per field read before and after; bench/RESULTS.md). Adding
  the column at the end would have been instant but cost 16 bytes an entry (112-byte row, 56-byte
  key). The copy took 5.7 s for 1,000,000 entries (embedded PostgreSQL), about a minute per ten
  million, under the migration's locks: a large live database runs it in a quiet hour.
- The keys lead with (tenant_id, lane, seq): each lane's links and entries are appended at their
  own right edge, and verification reads a lane as one index range.
- New dictionary codes were serialised by the single head lock. Now a transaction-scoped
  advisory lock per jobcenter is taken only when a name is missing, and the names are read again
  under it (each statement of the function sees what the lock's previous holder committed).

Downgrade: refuses while any link or entry lies in a lane other than 0 (folding lanes into one
chain would re-chain, i.e. rehash, the log). With lane 0 only it copies links and entries back
into 0017's tables; their hashes never covered lane 0, so the chains verify as they did.

Revision ID: 0018_audit_lanes
Revises: 0017_audit_compact
Create Date: 2026-11-23
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0018_audit_lanes"
down_revision: str | None = "0017_audit_compact"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LANES = 16  # service/audit/verify.py walks as many
# pg_advisory_xact_lock(DICTIONARY_LOCK, hashtext(tenant)): a jobcenter's new codes, one at a time.
DICTIONARY_LOCK = 1_096_107_092


def _compact():
    """0017's texts: the downgrade restores its function and view exactly, and the new function
    shares its canonical entry text and event queries."""
    path = Path(__file__).with_name("0017_audit_compact.py")
    spec = importlib.util.spec_from_file_location("audit_compact_0017", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


C = _compact()

# 0017's header text with the lane after the tenant, left out for lane 0 (concat_ws skips NULL).
HEADER_TEXT = (
    "concat_ws('|', {r}.tenant_id::text, NULLIF({r}.lane, 0)::text, {r}.seq::text, "
    + C.MICROS.format(t="{r}.occurred_at")
    + ", {r}.request_id::text, {r}.operation, {r}.actor_kind, {r}.actor_id::text,"
    " coalesce({r}.actor_organisation_id::text, ''))"
)


# Columns in an order that needs no alignment padding: 8 bytes, the UUIDs (byte-aligned), then
# 4 and 2 bytes. `seq` counts per lane in an integer (2,147,483,647 links a lane: at a million
# requests a day into one lane, 5,000 years), which frees the 2 bytes of the lane: an entry stays
# 104 bytes and its key 48, as in 0017.
_REQUESTS_DDL = """
CREATE TABLE audit_requests (
    occurred_at timestamptz NOT NULL, tenant_id uuid NOT NULL, request_id uuid NOT NULL,
    actor_id uuid NOT NULL, actor_organisation_id uuid, seq integer NOT NULL,
    lane smallint NOT NULL, actor_kind varchar(10) NOT NULL, operation varchar(100) NOT NULL,
    hash bytea NOT NULL,
    CONSTRAINT fk_audit_requests_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) PARTITION BY RANGE (occurred_at)
"""
_ENTRIES_DDL = """
CREATE TABLE audit_entries (
    occurred_at timestamptz NOT NULL, fields bigint NOT NULL, tenant_id uuid NOT NULL,
    subject_id uuid NOT NULL, object_id uuid, seq integer NOT NULL, basis integer NOT NULL,
    kind smallint NOT NULL, entry smallint NOT NULL, lane smallint NOT NULL,
    CONSTRAINT fk_audit_entries_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) PARTITION BY RANGE (occurred_at)
"""
# What both layouts hold, besides the lane.
_COLUMNS = {
    "audit_requests": "occurred_at, tenant_id, request_id, actor_id, actor_organisation_id, seq,"
    " actor_kind, operation, hash",
    "audit_entries": "occurred_at, fields, tenant_id, subject_id, object_id, seq, basis, kind,"
    " entry",
}
_KEYS = {
    "audit_requests": "tenant_id, lane, seq, occurred_at",
    "audit_entries": "tenant_id, lane, seq, occurred_at, entry",
}


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '10s'")
    # Every record must be copied (superusers pass; see 0017).
    op.execute("SET LOCAL row_security = off")
    op.execute(
        """
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM audit_chain_heads WHERE seq > 2147483647) THEN
                RAISE EXCEPTION 'an audit chain has more links than an integer seq holds';
            END IF;
        END
        $$
        """
    )
    op.execute("DROP VIEW audit_records")
    op.execute("ALTER TABLE audit_chain_heads ADD COLUMN lane smallint NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE audit_chain_heads ALTER COLUMN lane DROP DEFAULT")
    op.execute("ALTER TABLE audit_chain_heads ALTER COLUMN seq TYPE integer")
    op.execute("ALTER TABLE audit_chain_heads DROP CONSTRAINT pk_audit_chain_heads")
    op.execute(
        "ALTER TABLE audit_chain_heads ADD CONSTRAINT pk_audit_chain_heads"
        " PRIMARY KEY (tenant_id, lane)"
    )
    # Existing links and entries become lane 0, copied into the new layout.
    _rebuild("audit_requests", _REQUESTS_DDL, lane="0")
    _rebuild("audit_entries", _ENTRIES_DDL, lane="0")
    for table, key in _KEYS.items():
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")
    op.execute("CREATE INDEX ix_audit_entries_subject_id ON audit_entries (subject_id)")
    # CREATE OR REPLACE keeps the function's owner and its grants (EXECUTE for the app role).
    op.execute(APPEND_FUNCTION)
    op.execute(RECORDS_VIEW)
    op.execute("SET LOCAL row_security = on")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '10s'")
    op.execute("SET LOCAL row_security = off")
    op.execute(
        """
        DO $$
        DECLARE lane_in_use record;
        BEGIN
            SELECT tenant_id, lane INTO lane_in_use FROM (
                SELECT tenant_id, lane FROM audit_requests WHERE lane <> 0
                UNION ALL SELECT tenant_id, lane FROM audit_entries WHERE lane <> 0
                UNION ALL SELECT tenant_id, lane FROM audit_chain_heads
                           WHERE lane <> 0 AND seq <> 0) used
             LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'audit chain of tenant % has links in lane %; 0017 keeps one chain'
                    ' per jobcenter, and folding the lanes into it would re-chain (rehash) the log'
                    ' - downgrade refused', lane_in_use.tenant_id, lane_in_use.lane;
            END IF;
        END
        $$
        """
    )
    op.execute("DROP VIEW audit_records")
    op.execute("DELETE FROM audit_chain_heads WHERE lane <> 0")
    op.execute("ALTER TABLE audit_chain_heads DROP CONSTRAINT pk_audit_chain_heads")
    op.execute("ALTER TABLE audit_chain_heads DROP COLUMN lane")
    op.execute("ALTER TABLE audit_chain_heads ALTER COLUMN seq TYPE bigint")
    op.execute(
        "ALTER TABLE audit_chain_heads ADD CONSTRAINT pk_audit_chain_heads PRIMARY KEY (tenant_id)"
    )
    # 0017's tables (its keys inline), the subject index once the old one is gone.
    _rebuild("audit_requests", C._REQUESTS_DDL)
    _rebuild("audit_entries", C._ENTRIES_DDL)
    op.execute("CREATE INDEX ix_audit_entries_subject_id ON audit_entries (subject_id)")
    op.execute(C.APPEND_FUNCTION)
    op.execute(C.RECORDS_VIEW)
    op.execute("SET LOCAL row_security = on")


def _rebuild(table: str, ddl: str, lane: str | None = None) -> None:
    """`table` anew from `ddl`, same monthly partitions, rows copied (with `lane` as the lane's
    value when given), row-level security, policies and grants as 0017 made them."""
    old = f"{table}_old"
    op.execute(
        f"""
        DO $$
        DECLARE part record;
        BEGIN
            FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                         WHERE i.inhparent = '{table}'::regclass LOOP
                EXECUTE format('ALTER TABLE %I RENAME TO %I', part.relname,
                               replace(part.relname, '{table}_', '{old}_'));
            END LOOP;
        END
        $$
        """
    )
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    op.execute(f"ALTER TABLE {old} RENAME CONSTRAINT pk_{table} TO pk_{old}")
    C._create_partitioned(table, ddl, old)
    columns = _COLUMNS[table]
    into, values = (
        (columns, columns) if lane is None else (f"{columns}, lane", f"{columns}, {lane}")
    )
    op.execute(f"INSERT INTO {table} ({into}) SELECT {values} FROM {old} ORDER BY tenant_id, seq")
    op.execute(f"DROP TABLE {old}")
    C._row_level_security(table)
    op.execute(f"CREATE POLICY append_only ON {table} FOR INSERT WITH CHECK (true)")
    op.execute(f"GRANT SELECT ON {table} TO {C.APP_ROLE}")


# The jobcenters of this call, each with the request id that picks its lane to wait on.
_TENANTS = """
    SELECT (e->>'tenant_id')::uuid AS tenant_id, min(e->>'request_id')::uuid AS request_id
      FROM jsonb_array_elements(events) e GROUP BY 1 ORDER BY 1
"""
_NEW_KINDS = """
    SELECT n.tenant_id, n.action, n.object_type
      FROM (SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'action' AS action,
                   e->>'object_type' AS object_type FROM jsonb_array_elements(events) e) n
     WHERE NOT EXISTS (SELECT 1 FROM audit_kinds k WHERE k.tenant_id = n.tenant_id
                          AND k.action = n.action AND k.object_type = n.object_type)
"""
_NEW_BASES = """
    SELECT n.tenant_id, n.name
      FROM (SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'basis' AS name
              FROM jsonb_array_elements(events) e) n
     WHERE NOT EXISTS (SELECT 1 FROM audit_bases b WHERE b.tenant_id = n.tenant_id
                          AND b.name = n.name)
"""

# Assign codes to the names missing from the dictionaries (caller holds the dictionary locks).
_NEW_CODES = f"""
    INSERT INTO audit_kinds (tenant_id, code, action, object_type)
    SELECT n.tenant_id, coalesce(top.code, 0) + row_number() OVER (PARTITION BY n.tenant_id
                                                                 ORDER BY n.action, n.object_type),
           n.action, n.object_type
      FROM ({_NEW_KINDS}) n
      LEFT JOIN LATERAL (SELECT max(code) AS code FROM audit_kinds
                          WHERE tenant_id = n.tenant_id) top ON true;
    INSERT INTO audit_bases (tenant_id, code, name)
    SELECT n.tenant_id, coalesce(top.code, 0) + row_number() OVER (PARTITION BY n.tenant_id
                                                                 ORDER BY n.name),
           n.name
      FROM ({_NEW_BASES}) n
      LEFT JOIN LATERAL (SELECT max(code) AS code FROM audit_bases
                          WHERE tenant_id = n.tenant_id) top ON true;
    -- New field names get the next bits of their kind; beyond the mask none is assigned, and
    -- the call is refused below.
    WITH numbered AS (
        SELECT w.tenant_id, w.kind, w.action, w.object_type, w.name,
               coalesce(top.bit, -1) + row_number() OVER (PARTITION BY w.tenant_id, w.kind
                                                          ORDER BY w.name) AS bit
          FROM ({C._NEW_FIELDS}) w
          LEFT JOIN LATERAL (SELECT max(bit) AS bit FROM audit_fields
                              WHERE tenant_id = w.tenant_id AND kind = w.kind) top ON true),
    added AS (
        INSERT INTO audit_fields (tenant_id, kind, bit, name)
        SELECT tenant_id, kind, bit, name FROM numbered WHERE bit < {C.FIELD_BITS} RETURNING 1)
    SELECT n.object_type, n.action INTO full_kind FROM numbered n WHERE n.bit >= {C.FIELD_BITS}
     LIMIT 1;
    -- The 64th field of an object kind: fail the request (no data leaves unrecorded) and say
    -- why, rather than let the bit-range constraint speak.
    IF FOUND THEN
        RAISE EXCEPTION 'audit: % of % would need field number %, but a record holds %',
            full_kind.action, full_kind.object_type, {C.FIELD_BITS + 1}, {C.FIELD_BITS}
            USING HINT = 'split the object type or give audit_entries a second field mask';
    END IF;
"""

APPEND_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_append(events jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    link record;
    tenant record;
    head audit_chain_heads%ROWTYPE;
    lanes jsonb := '{{}}';
    headers audit_requests[] := '{{}}';
    header audit_requests%ROWTYPE;
    links bigint[] := '{{}}';
    link_lanes smallint[] := '{{}}';
    seqs integer[] := '{{}}';
    full_kind record;
    shapes jsonb;
    written integer;
BEGIN
    -- A jobcenter's {LANES} lanes, made on its first call.
    INSERT INTO audit_chain_heads (tenant_id, lane, seq, hash)
    SELECT t.tenant_id, l.lane, 0, ''::bytea
      FROM ({_TENANTS}) t CROSS JOIN generate_series(0, {LANES - 1}) l(lane)
     WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h
                        WHERE h.tenant_id = t.tenant_id AND h.lane = {LANES - 1})
    ON CONFLICT (tenant_id, lane) DO NOTHING;
    -- One lane per jobcenter, held to the commit: the first that no other transaction holds;
    -- only when all are held, wait, on a lane picked by the request id (so waits spread).
    -- Jobcenters in a fixed order: two requests over the same jobcenters cannot deadlock.
    FOR tenant IN {_TENANTS} LOOP
        SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = tenant.tenant_id
         ORDER BY lane FOR UPDATE SKIP LOCKED LIMIT 1;
        IF NOT FOUND THEN
            SELECT * INTO head FROM audit_chain_heads
             WHERE tenant_id = tenant.tenant_id
               AND lane = get_byte(uuid_send(tenant.request_id), 15) % {LANES}
               FOR UPDATE;
        END IF;
        lanes := lanes || jsonb_build_object(tenant.tenant_id::text, head.lane);
    END LOOP;
    head := NULL;

    -- New codes: two lanes of a jobcenter may add the same name at once. The dictionary lock is
    -- taken only when a name is missing; the statements after it see the holder's codes.
    IF EXISTS ({_NEW_KINDS}) OR EXISTS ({_NEW_BASES}) OR EXISTS ({C._NEW_FIELDS}) THEN
        FOR tenant IN {_TENANTS} LOOP
            PERFORM pg_advisory_xact_lock({DICTIONARY_LOCK}, hashtext(tenant.tenant_id::text));
        END LOOP;
        {_NEW_CODES}
    END IF;

    -- Per field set: its mask and its names as hashed (sorted by code point, comma-joined).
    SELECT jsonb_object_agg(d.shape, jsonb_build_array(
               (SELECT coalesce(bit_or(1::bigint << f.bit), 0) FROM audit_fields f
                 WHERE f.tenant_id = d.tenant_id AND f.kind = k.code
                   AND f.name IN (SELECT jsonb_array_elements_text(d.fields))),
               {C.SORTED_JSON_FIELDS.format(e="d")}))
      INTO shapes
      FROM ({C._SHAPES}) d
      JOIN audit_kinds k ON k.tenant_id = d.tenant_id AND k.action = d.action
                        AND k.object_type = d.object_type;

    FOR link IN
        SELECT l.tenant_id, l.link, l.request_id, l.occurred_at, l.operation, l.actor_kind,
               l.actor_id, l.actor_organisation_id,
               string_agg({C.ENTRY_TEXT.format(e="l", fields="shapes->l.shape->>1")},
                          E'\\n' ORDER BY l.entry) AS entries
          FROM ({C._LINKED}) l
         GROUP BY l.tenant_id, l.link, l.request_id, l.occurred_at, l.operation, l.actor_kind,
                  l.actor_id, l.actor_organisation_id
         ORDER BY l.tenant_id, min(l.n)
    LOOP
        IF head.tenant_id IS DISTINCT FROM link.tenant_id THEN
            IF head.tenant_id IS NOT NULL THEN
                UPDATE audit_chain_heads SET seq = head.seq, hash = head.hash
                 WHERE tenant_id = head.tenant_id AND lane = head.lane;
            END IF;
            SELECT * INTO head FROM audit_chain_heads
             WHERE tenant_id = link.tenant_id AND lane = (lanes->>link.tenant_id::text)::smallint;
        END IF;
        header.tenant_id := link.tenant_id;
        header.lane := head.lane;
        header.seq := head.seq + 1;
        header.occurred_at := link.occurred_at;
        header.request_id := link.request_id;
        header.operation := link.operation;
        header.actor_kind := link.actor_kind;
        header.actor_id := link.actor_id;
        header.actor_organisation_id := link.actor_organisation_id;
        header.hash := sha256(convert_to({HEADER_TEXT.format(r="header")} || E'\\n'
            || link.entries || E'\\n' || encode(head.hash, 'hex'), 'UTF8'));
        headers := headers || header;
        links := links || link.link;
        link_lanes := link_lanes || header.lane;
        seqs := seqs || header.seq;
        head.seq := header.seq;
        head.hash := header.hash;
    END LOOP;
    IF head.tenant_id IS NOT NULL THEN
        UPDATE audit_chain_heads SET seq = head.seq, hash = head.hash
         WHERE tenant_id = head.tenant_id AND lane = head.lane;
    END IF;
    INSERT INTO audit_requests SELECT * FROM unnest(headers);
    INSERT INTO audit_entries (seq, occurred_at, fields, tenant_id, subject_id, object_id,
                               basis, kind, entry, lane)
    SELECT s.seq, l.occurred_at,
           (shapes->l.shape->>0)::bigint,
           l.tenant_id, l.subject_id, NULLIF(l.object_id, l.subject_id), b.code, k.code, l.entry,
           s.lane
      FROM ({C._LINKED}) l
      JOIN unnest(links, link_lanes, seqs) s(link, lane, seq) ON s.link = l.link
      JOIN audit_kinds k ON k.tenant_id = l.tenant_id AND k.action = l.action
                        AND k.object_type = l.object_type
      JOIN audit_bases b ON b.tenant_id = l.tenant_id AND b.name = l.basis
     -- In key order: each lane's key grows at its right edge (pages 90 % full, not half).
     ORDER BY l.tenant_id, s.lane, s.seq, l.entry;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$$
"""

RECORDS_VIEW = """
CREATE VIEW audit_records WITH (security_invoker = true) AS
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
  JOIN audit_bases b ON b.tenant_id = e.tenant_id AND b.code = e.basis
"""
