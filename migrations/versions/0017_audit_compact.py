"""The audit log, compact: one chain link per request and jobcenter, one small row per object.

`audit_log` repeated everything per object read (≈ 650 bytes a record, 54 bytes per field read
at 12 fields; bench/RESULTS.md). Now:

- `audit_requests`: the header of one request in one jobcenter (time, request id, operation,
  actor) and the link's hash. The previous hash is the previous seq's, not stored twice.
- `audit_entries`: per object tenant, seq, occurred_at, entry number, subject, object (NULL when
  it is the client itself), a kind code (action + object type), a basis code and the fields as
  a bigint bitmask. 104 bytes a row (80 bytes of columns, ordered so nothing is padded).
- `audit_kinds`, `audit_fields`, `audit_bases`: append-only dictionaries per jobcenter (tenant
  tables like every other, so row-level security and Citus co-location hold without exception).
  New codes are assigned inside `audit_append` under the chain-head lock, one writer per tenant.
- `audit_records`: a view that decodes everything back to names (for operators and tests; the
  service reads the tables and decodes in Python).

A link's hash is SHA-256 over: the header's canonical text, a newline, its entries' canonical
texts (in entry order, newline-separated; field names sorted by code point, object id spelled
out even where stored as NULL), a newline and the previous link's hash in hex. Names, not
codes, are hashed: a changed dictionary is caught like a changed record.

Upgrade: checks the old chain first (re-chaining a tampered log would launder it), then groups
the old records by request (in the old seq order per tenant) and chains them anew. Downgrade
does the reverse, one record per entry, chained with 0006's canonical text. Both walk each
tenant's chain once in plpgsql inside the migration's transaction: 37 µs a record up, 26 down
(50,000 records, embedded PostgreSQL), so about 6 minutes per ten million records; a large live
database converts closed months beforehand instead.

Revision ID: 0017_audit_compact
Revises: 0016_indexes_without_tenant
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017_audit_compact"
# After main's 0016 (indexes without the tenant), so the merge keeps one head.
down_revision: str | None = "0016_indexes_without_tenant"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"
FIELD_BITS = 63
DICTIONARIES = ("audit_kinds", "audit_fields", "audit_bases")

# --- the canonical texts (service/audit/verify.py computes the same) ---------------------------
MICROS = "(extract(epoch from {t}) * 1000000)::bigint::text"
HEADER_TEXT = (
    "concat_ws('|', {r}.tenant_id::text, {r}.seq::text, "
    + MICROS.format(t="{r}.occurred_at")
    + ", {r}.request_id::text, {r}.operation, {r}.actor_kind, {r}.actor_id::text,"
    " coalesce({r}.actor_organisation_id::text, ''))"
)
# {fields}: the field names, comma-joined in code-point order ("C" collation, as Python sorts).
ENTRY_TEXT = (
    "concat_ws('|', {e}.entry::text, {e}.action, {e}.subject_id::text, {e}.object_type,"
    " {e}.object_id::text, {fields}, {e}.basis)"
)
SORTED_JSON_FIELDS = (
    'coalesce((SELECT string_agg(DISTINCT f.name COLLATE "C", \',\' ORDER BY f.name COLLATE "C")'
    " FROM jsonb_array_elements_text({e}.fields) f(name)), '')"
)
SORTED_ARRAY_FIELDS = (
    'coalesce((SELECT string_agg(DISTINCT f.name COLLATE "C", \',\' ORDER BY f.name COLLATE "C")'
    " FROM unnest({e}.fields) f(name)), '')"
)
# 0006's canonical text of one old record (a migration keeps its own copy).
OLD_CANONICAL = """concat_ws('|', {r}.tenant_id::text, {r}.seq::text,
    (extract(epoch from {r}.occurred_at) * 1000000)::bigint::text, {r}.request_id::text,
    {r}.operation, {r}.action, {r}.actor_kind, {r}.actor_id::text,
    coalesce({r}.actor_organisation_id::text, ''), {r}.subject_id::text, {r}.object_type,
    {r}.object_id::text, array_to_string({r}.fields, ','), {r}.basis,
    encode({r}.prev_hash, 'hex'))"""


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '10s'")
    # Every record must be converted: an owner that row-level security would filter gets an
    # error here instead of a silently emptier log (superusers pass).
    op.execute("SET LOCAL row_security = off")
    _refuse_a_broken_old_chain()
    _create_dictionaries()
    _create_partitioned("audit_requests", _REQUESTS_DDL, "audit_log")
    _create_partitioned("audit_entries", _ENTRIES_DDL, "audit_log")
    # By subject alone: row-level security adds the tenant, the partitions bound the time, and
    # a client's entries share one key, which B-tree deduplication stores as one posting list:
    # ≈ 9 bytes an entry instead of 57 for (subject_id, occurred_at) and 74–82 with tenant_id
    # (bench/audit_size.py: 40 entries per client in the month; 12 bytes at 9 in bench data).
    op.execute("CREATE INDEX ix_audit_entries_subject_id ON audit_entries (subject_id)")
    for table in ("audit_requests", "audit_entries"):
        _row_level_security(table)
        op.execute(f"CREATE POLICY append_only ON {table} FOR INSERT WITH CHECK (true)")
    for table in DICTIONARIES:
        _row_level_security(table)
        # audit_append (the owner) reads and extends every jobcenter's dictionary; the app role
        # reads its own jobcenter's only.
        op.execute(
            f"CREATE POLICY dictionary_keeping ON {table} TO CURRENT_USER"
            " USING (true) WITH CHECK (true)"
        )
    op.execute(
        f"GRANT SELECT ON audit_requests, audit_entries, {', '.join(DICTIONARIES)} TO {APP_ROLE}"
    )
    _convert_up()
    op.execute("DROP TABLE audit_log")
    # CREATE OR REPLACE keeps the function's owner and its grants (EXECUTE for the app role).
    op.execute(APPEND_FUNCTION)
    op.execute(RECORDS_VIEW)
    op.execute("SET LOCAL row_security = on")


def _refuse_a_broken_old_chain() -> None:
    op.execute(
        f"""
        DO $$
        DECLARE broken record;
        BEGIN
            SELECT tenant_id, seq INTO broken FROM (
                SELECT l.*, lag(l.seq) OVER w AS before_seq, lag(l.hash) OVER w AS before_hash
                  FROM audit_log l WINDOW w AS (PARTITION BY l.tenant_id ORDER BY l.seq)) l
             WHERE l.seq <> coalesce(l.before_seq, 0) + 1
                OR l.prev_hash <> coalesce(l.before_hash, ''::bytea)
                OR l.hash <> sha256(convert_to({OLD_CANONICAL.format(r="l")}, 'UTF8'))
             ORDER BY l.tenant_id, l.seq LIMIT 1;
            IF NOT FOUND THEN
                SELECT h.tenant_id, h.seq INTO broken FROM audit_chain_heads h
                  LEFT JOIN (SELECT DISTINCT ON (tenant_id) tenant_id, seq, hash FROM audit_log
                              ORDER BY tenant_id, seq DESC) l ON l.tenant_id = h.tenant_id
                 WHERE (h.seq, h.hash) IS DISTINCT FROM (coalesce(l.seq, 0),
                                                         coalesce(l.hash, ''::bytea))
                 LIMIT 1;
            END IF;
            IF FOUND THEN
                RAISE EXCEPTION 'audit chain of tenant % is broken at record %; converting it'
                    ' would re-chain and hide that (see service audit verify)',
                    broken.tenant_id, broken.seq;
            END IF;
        END
        $$
        """
    )


def _create_dictionaries() -> None:
    op.execute(
        """
        CREATE TABLE audit_kinds (
            tenant_id uuid NOT NULL, code smallint NOT NULL,
            action varchar(10) NOT NULL, object_type varchar(40) NOT NULL,
            CONSTRAINT pk_audit_kinds PRIMARY KEY (tenant_id, code),
            CONSTRAINT uq_audit_kinds_tenant_id_action_object_type
                UNIQUE (tenant_id, action, object_type),
            CONSTRAINT fk_audit_kinds_tenant_id_tenants FOREIGN KEY (tenant_id)
                REFERENCES tenants (id))
        """
    )
    op.execute(
        f"""
        CREATE TABLE audit_fields (
            tenant_id uuid NOT NULL, kind smallint NOT NULL, bit smallint NOT NULL,
            name varchar(100) NOT NULL,
            CONSTRAINT pk_audit_fields PRIMARY KEY (tenant_id, kind, bit),
            CONSTRAINT uq_audit_fields_tenant_id_kind_name UNIQUE (tenant_id, kind, name),
            CONSTRAINT ck_audit_fields_bit_fits_the_mask CHECK (bit BETWEEN 0 AND {FIELD_BITS - 1}),
            CONSTRAINT fk_audit_fields_tenant_id_tenants FOREIGN KEY (tenant_id)
                REFERENCES tenants (id))
        """
    )
    op.execute(
        """
        CREATE TABLE audit_bases (
            tenant_id uuid NOT NULL, code integer NOT NULL, name varchar(100) NOT NULL,
            CONSTRAINT pk_audit_bases PRIMARY KEY (tenant_id, code),
            CONSTRAINT uq_audit_bases_tenant_id_name UNIQUE (tenant_id, name),
            CONSTRAINT fk_audit_bases_tenant_id_tenants FOREIGN KEY (tenant_id)
                REFERENCES tenants (id))
        """
    )


# Columns in an order that needs no alignment padding: the 8-byte ones first, then the UUIDs
# (byte-aligned), then 4 and 2 bytes.
_REQUESTS_DDL = """
CREATE TABLE audit_requests (
    seq bigint NOT NULL, occurred_at timestamptz NOT NULL, tenant_id uuid NOT NULL,
    request_id uuid NOT NULL, actor_id uuid NOT NULL, actor_organisation_id uuid,
    actor_kind varchar(10) NOT NULL, operation varchar(100) NOT NULL, hash bytea NOT NULL,
    CONSTRAINT pk_audit_requests PRIMARY KEY (tenant_id, seq, occurred_at),
    CONSTRAINT fk_audit_requests_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) PARTITION BY RANGE (occurred_at)
"""
_ENTRIES_DDL = """
CREATE TABLE audit_entries (
    seq bigint NOT NULL, occurred_at timestamptz NOT NULL, fields bigint NOT NULL,
    tenant_id uuid NOT NULL, subject_id uuid NOT NULL, object_id uuid,
    basis integer NOT NULL, kind smallint NOT NULL, entry smallint NOT NULL,
    CONSTRAINT pk_audit_entries PRIMARY KEY (tenant_id, seq, occurred_at, entry),
    CONSTRAINT fk_audit_entries_tenant_id_tenants FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) PARTITION BY RANGE (occurred_at)
"""


def _create_partitioned(table: str, ddl: str, like: str) -> None:
    """The table, with a partition for every month `like` has one for (0006 made 36, operators
    may have added more)."""
    op.execute(ddl)
    op.execute(
        f"""
        DO $$
        DECLARE part record;
        BEGIN
            FOR part IN SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
                          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                         WHERE i.inhparent = '{like}'::regclass ORDER BY c.relname LOOP
                EXECUTE format('CREATE TABLE %I PARTITION OF {table} %s',
                               replace(part.relname, '{like}_', '{table}_'), part.bound);
            END LOOP;
        END
        $$
        """
    )


def _heads_to_the_last_link_of(table: str) -> None:
    op.execute(
        f"""
        UPDATE audit_chain_heads h SET seq = l.seq, hash = l.hash
          FROM (SELECT DISTINCT ON (tenant_id) tenant_id, seq, hash FROM {table}
                 ORDER BY tenant_id, seq DESC) l
         WHERE h.tenant_id = l.tenant_id
        """
    )


def _row_level_security(table: str) -> None:
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY tenant_isolation ON {table} FOR SELECT"
        " USING (tenant_id = app_current_tenant())"
    )


def _convert_up() -> None:
    # Old records grouped into links: one per request (and jobcenter), in the order of each
    # request's first record; entries in their old order.
    op.execute(
        """
        CREATE TEMP TABLE audit_conversion ON COMMIT DROP AS
        SELECT g.*, dense_rank() OVER (PARTITION BY g.tenant_id ORDER BY g.first_seq) AS new_seq
          FROM (SELECT l.*,
                       min(l.seq) OVER link AS first_seq,
                       row_number() OVER (link ORDER BY l.seq) AS entry
                  FROM audit_log l
                WINDOW link AS (PARTITION BY l.tenant_id, l.request_id, l.occurred_at,
                                l.operation, l.actor_kind, l.actor_id, l.actor_organisation_id)
               ) g
        """
    )
    op.execute(
        """
        INSERT INTO audit_kinds (tenant_id, code, action, object_type)
        SELECT tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY first), action,
               object_type
          FROM (SELECT tenant_id, action, object_type, min(seq) AS first FROM audit_conversion
                 GROUP BY 1, 2, 3) k
        """
    )
    op.execute(
        """
        INSERT INTO audit_bases (tenant_id, code, name)
        SELECT tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY first), basis
          FROM (SELECT tenant_id, basis, min(seq) AS first FROM audit_conversion GROUP BY 1, 2) b
        """
    )
    op.execute(
        """
        INSERT INTO audit_fields (tenant_id, kind, bit, name)
        SELECT tenant_id, kind, row_number() OVER (PARTITION BY tenant_id, kind ORDER BY first) - 1,
               name
          FROM (SELECT c.tenant_id, k.code AS kind, f.name, min(c.seq) AS first
                  FROM audit_conversion c
                  JOIN audit_kinds k ON k.tenant_id = c.tenant_id AND k.action = c.action
                                    AND k.object_type = c.object_type
                 CROSS JOIN unnest(c.fields) f(name)
                 GROUP BY 1, 2, 3) f
        """
    )
    entry_text = ENTRY_TEXT.format(e="c", fields=SORTED_ARRAY_FIELDS.format(e="c"))
    op.execute(
        f"""
        DO $$
        DECLARE
            link record;
            previous bytea;
            tenant uuid;
            link_hash bytea;
        BEGIN
            FOR link IN
                SELECT c.tenant_id, c.new_seq AS seq, c.occurred_at, c.request_id, c.operation,
                       c.actor_kind, c.actor_id, c.actor_organisation_id,
                       string_agg({entry_text}, E'\\n' ORDER BY c.entry) AS entries
                  FROM audit_conversion c
                 GROUP BY c.tenant_id, c.new_seq, c.occurred_at, c.request_id, c.operation,
                          c.actor_kind, c.actor_id, c.actor_organisation_id
                 ORDER BY c.tenant_id, c.new_seq
            LOOP
                IF tenant IS DISTINCT FROM link.tenant_id THEN
                    tenant := link.tenant_id;
                    previous := ''::bytea;
                END IF;
                link_hash := sha256(convert_to({HEADER_TEXT.format(r="link")} || E'\\n'
                    || link.entries || E'\\n' || encode(previous, 'hex'), 'UTF8'));
                INSERT INTO audit_requests (seq, occurred_at, tenant_id, request_id, actor_id,
                                            actor_organisation_id, actor_kind, operation, hash)
                VALUES (link.seq, link.occurred_at, link.tenant_id, link.request_id,
                        link.actor_id, link.actor_organisation_id, link.actor_kind,
                        link.operation, link_hash);
                previous := link_hash;
            END LOOP;
        END
        $$
        """
    )
    op.execute(
        """
        INSERT INTO audit_entries (seq, occurred_at, fields, tenant_id, subject_id, object_id,
                                   basis, kind, entry)
        SELECT c.new_seq, c.occurred_at,
               (SELECT coalesce(bit_or(1::bigint << f.bit), 0) FROM audit_fields f
                 WHERE f.tenant_id = c.tenant_id AND f.kind = k.code AND f.name = ANY(c.fields)),
               c.tenant_id, c.subject_id, NULLIF(c.object_id, c.subject_id), b.code, k.code,
               c.entry
          FROM audit_conversion c
          JOIN audit_kinds k ON k.tenant_id = c.tenant_id AND k.action = c.action
                            AND k.object_type = c.object_type
          JOIN audit_bases b ON b.tenant_id = c.tenant_id AND b.name = c.basis
         ORDER BY c.tenant_id, c.new_seq, c.entry
        """
    )
    _heads_to_the_last_link_of("audit_requests")
    op.execute("DROP TABLE audit_conversion")


# The distinct field sets of this call: a page of 50 clients reads the same fields of each.
_SHAPES = """
    SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'action' AS action,
           e->>'object_type' AS object_type, e->'fields' AS fields,
           concat_ws('/', e->>'tenant_id', e->>'action', e->>'object_type', e->'fields') AS shape
      FROM jsonb_array_elements(events) e
"""

# The field names of this call that their object kind has no bit for yet.
_NEW_FIELDS = f"""
    SELECT w.tenant_id, k.code AS kind, k.action, k.object_type, w.name
      FROM (SELECT DISTINCT d.tenant_id, d.action, d.object_type, f.name
              FROM ({_SHAPES}) d CROSS JOIN jsonb_array_elements_text(d.fields) f(name)) w
      JOIN audit_kinds k ON k.tenant_id = w.tenant_id AND k.action = w.action
                        AND k.object_type = w.object_type
     WHERE NOT EXISTS (SELECT 1 FROM audit_fields x WHERE x.tenant_id = w.tenant_id
                          AND x.kind = k.code AND x.name = w.name)
"""

# Each event of the call with its link (one per jobcenter and request) and entry number.
_LINKED = """
    SELECT ev.*,
           dense_rank() OVER (ORDER BY ev.tenant_id, ev.request_id, ev.occurred_at, ev.operation,
                              ev.actor_kind, ev.actor_id, ev.actor_organisation_id) AS link,
           row_number() OVER (PARTITION BY ev.tenant_id, ev.request_id, ev.occurred_at,
                              ev.operation, ev.actor_kind, ev.actor_id, ev.actor_organisation_id
                              ORDER BY ev.n) AS entry
      FROM (SELECT x.n, (x.e->>'tenant_id')::uuid AS tenant_id,
                   (x.e->>'request_id')::uuid AS request_id,
                   (x.e->>'occurred_at')::timestamptz AS occurred_at,
                   (x.e->>'operation')::varchar(100) AS operation,
                   (x.e->>'actor_kind')::varchar(10) AS actor_kind,
                   (x.e->>'actor_id')::uuid AS actor_id,
                   (x.e->>'actor_organisation_id')::uuid AS actor_organisation_id,
                   x.e->>'action' AS action, (x.e->>'subject_id')::uuid AS subject_id,
                   x.e->>'object_type' AS object_type, (x.e->>'object_id')::uuid AS object_id,
                   x.e->>'basis' AS basis,
                   concat_ws('/', x.e->>'tenant_id', x.e->>'action', x.e->>'object_type',
                             x.e->'fields') AS shape
              FROM jsonb_array_elements(events) WITH ORDINALITY x(e, n)) ev
"""

APPEND_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_append(events jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    link record;
    head audit_chain_heads%ROWTYPE;
    headers audit_requests[] := '{{}}';
    header audit_requests%ROWTYPE;
    links bigint[] := '{{}}';
    seqs bigint[] := '{{}}';
    full_kind record;
    shapes jsonb;
    written integer;
BEGIN
    -- Lock every head first, in tenant order: two requests touching the same tenants in a
    -- different order cannot deadlock. The lock also serialises new dictionary codes.
    INSERT INTO audit_chain_heads (tenant_id, seq, hash)
    SELECT DISTINCT (e->>'tenant_id')::uuid, 0, ''::bytea FROM jsonb_array_elements(events) e
    ON CONFLICT (tenant_id) DO NOTHING;
    PERFORM 1 FROM audit_chain_heads
     WHERE tenant_id IN (SELECT DISTINCT (e->>'tenant_id')::uuid
                           FROM jsonb_array_elements(events) e)
     ORDER BY tenant_id FOR UPDATE;

    INSERT INTO audit_kinds (tenant_id, code, action, object_type)
    SELECT n.tenant_id, coalesce(top.code, 0) + row_number() OVER (PARTITION BY n.tenant_id
                                                                 ORDER BY n.action, n.object_type),
           n.action, n.object_type
      FROM (SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'action' AS action,
                   e->>'object_type' AS object_type FROM jsonb_array_elements(events) e) n
      LEFT JOIN LATERAL (SELECT max(code) AS code FROM audit_kinds
                          WHERE tenant_id = n.tenant_id) top ON true
     WHERE NOT EXISTS (SELECT 1 FROM audit_kinds k WHERE k.tenant_id = n.tenant_id
                          AND k.action = n.action AND k.object_type = n.object_type);
    INSERT INTO audit_bases (tenant_id, code, name)
    SELECT n.tenant_id, coalesce(top.code, 0) + row_number() OVER (PARTITION BY n.tenant_id
                                                                 ORDER BY n.name),
           n.name
      FROM (SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'basis' AS name
              FROM jsonb_array_elements(events) e) n
      LEFT JOIN LATERAL (SELECT max(code) AS code FROM audit_bases
                          WHERE tenant_id = n.tenant_id) top ON true
     WHERE NOT EXISTS (SELECT 1 FROM audit_bases b WHERE b.tenant_id = n.tenant_id
                          AND b.name = n.name);
    -- New field names get the next bits of their kind; beyond the mask none is assigned, and
    -- the call is refused below. Names are made distinct before any lookup: a call of 500
    -- objects of 12 fields asks the dictionary about 12 names, not 6,000.
    WITH numbered AS (
        SELECT w.tenant_id, w.kind, w.action, w.object_type, w.name,
               coalesce(top.bit, -1) + row_number() OVER (PARTITION BY w.tenant_id, w.kind
                                                          ORDER BY w.name) AS bit
          FROM ({_NEW_FIELDS}) w
          LEFT JOIN LATERAL (SELECT max(bit) AS bit FROM audit_fields
                              WHERE tenant_id = w.tenant_id AND kind = w.kind) top ON true),
    added AS (
        INSERT INTO audit_fields (tenant_id, kind, bit, name)
        SELECT tenant_id, kind, bit, name FROM numbered WHERE bit < {FIELD_BITS} RETURNING 1)
    SELECT n.object_type, n.action INTO full_kind FROM numbered n WHERE n.bit >= {FIELD_BITS}
     LIMIT 1;
    -- The 64th field of an object kind: fail the request (no data leaves unrecorded) and say
    -- why, rather than let the bit-range constraint speak.
    IF FOUND THEN
        RAISE EXCEPTION 'audit: % of % would need field number %, but a record holds {FIELD_BITS}',
            full_kind.action, full_kind.object_type, {FIELD_BITS + 1}
            USING HINT = 'split the object type or give audit_entries a second field mask';
    END IF;

    -- Per field set: its mask and its names as hashed (sorted by code point, comma-joined).
    SELECT jsonb_object_agg(d.shape, jsonb_build_array(
               (SELECT coalesce(bit_or(1::bigint << f.bit), 0) FROM audit_fields f
                 WHERE f.tenant_id = d.tenant_id AND f.kind = k.code
                   AND f.name IN (SELECT jsonb_array_elements_text(d.fields))),
               {SORTED_JSON_FIELDS.format(e="d")}))
      INTO shapes
      FROM ({_SHAPES}) d
      JOIN audit_kinds k ON k.tenant_id = d.tenant_id AND k.action = d.action
                        AND k.object_type = d.object_type;

    FOR link IN
        SELECT l.tenant_id, l.link, l.request_id, l.occurred_at, l.operation, l.actor_kind,
               l.actor_id, l.actor_organisation_id,
               string_agg({ENTRY_TEXT.format(e="l", fields="shapes->l.shape->>1")},
                          E'\\n' ORDER BY l.entry) AS entries
          FROM ({_LINKED}) l
         GROUP BY l.tenant_id, l.link, l.request_id, l.occurred_at, l.operation, l.actor_kind,
                  l.actor_id, l.actor_organisation_id
         ORDER BY l.tenant_id, min(l.n)
    LOOP
        IF head.tenant_id IS DISTINCT FROM link.tenant_id THEN
            IF head.tenant_id IS NOT NULL THEN
                UPDATE audit_chain_heads SET seq = head.seq, hash = head.hash
                 WHERE tenant_id = head.tenant_id;
            END IF;
            SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = link.tenant_id;
        END IF;
        header.tenant_id := link.tenant_id;
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
        seqs := seqs || header.seq;
        head.seq := header.seq;
        head.hash := header.hash;
    END LOOP;
    IF head.tenant_id IS NOT NULL THEN
        UPDATE audit_chain_heads SET seq = head.seq, hash = head.hash
         WHERE tenant_id = head.tenant_id;
    END IF;
    INSERT INTO audit_requests SELECT * FROM unnest(headers);
    INSERT INTO audit_entries (seq, occurred_at, fields, tenant_id, subject_id, object_id,
                               basis, kind, entry)
    SELECT s.seq, l.occurred_at,
           (shapes->l.shape->>0)::bigint,
           l.tenant_id, l.subject_id, NULLIF(l.object_id, l.subject_id), b.code, k.code, l.entry
      FROM ({_LINKED}) l
      JOIN unnest(links, seqs) s(link, seq) ON s.link = l.link
      JOIN audit_kinds k ON k.tenant_id = l.tenant_id AND k.action = l.action
                        AND k.object_type = l.object_type
      JOIN audit_bases b ON b.tenant_id = l.tenant_id AND b.name = l.basis
     -- In key order: the primary key then grows at its right edge (pages 90 % full, not half).
     ORDER BY l.tenant_id, s.seq, l.entry;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$$
"""

RECORDS_VIEW = """
CREATE VIEW audit_records WITH (security_invoker = true) AS
SELECT r.tenant_id, r.seq, e.entry, r.occurred_at, r.request_id, r.operation, k.action,
       r.actor_kind, r.actor_id, r.actor_organisation_id, e.subject_id, k.object_type,
       coalesce(e.object_id, e.subject_id) AS object_id,
       ARRAY(SELECT f.name::text FROM audit_fields f
              WHERE f.tenant_id = e.tenant_id AND f.kind = e.kind
                AND e.fields & (1::bigint << f.bit) <> 0
              ORDER BY f.name COLLATE "C") AS fields,
       b.name AS basis
  FROM audit_entries e
  JOIN audit_requests r ON r.tenant_id = e.tenant_id AND r.seq = e.seq
                       AND r.occurred_at = e.occurred_at
  JOIN audit_kinds k ON k.tenant_id = e.tenant_id AND k.code = e.kind
  JOIN audit_bases b ON b.tenant_id = e.tenant_id AND b.code = e.basis
"""


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '10s'")
    op.execute("SET LOCAL row_security = off")
    _create_partitioned("audit_log", _OLD_LOG_DDL, "audit_requests")
    op.execute(
        "CREATE INDEX ix_audit_log_tenant_id_subject_id_occurred_at"
        " ON audit_log (tenant_id, subject_id, occurred_at)"
    )
    _row_level_security("audit_log")
    op.execute("CREATE POLICY append_only ON audit_log FOR INSERT WITH CHECK (true)")
    op.execute(f"GRANT SELECT ON audit_log TO {APP_ROLE}")
    op.execute(
        f"""
        DO $$
        DECLARE
            rec audit_log%ROWTYPE;
            old record;
            tenant uuid;
        BEGIN
            FOR old IN SELECT * FROM audit_records ORDER BY tenant_id, seq, entry LOOP
                IF tenant IS DISTINCT FROM old.tenant_id THEN
                    tenant := old.tenant_id;
                    rec.seq := 0;
                    rec.hash := ''::bytea;
                END IF;
                rec.tenant_id := old.tenant_id;
                rec.seq := rec.seq + 1;
                rec.occurred_at := old.occurred_at;
                rec.request_id := old.request_id;
                rec.operation := old.operation;
                rec.action := old.action;
                rec.actor_kind := old.actor_kind;
                rec.actor_id := old.actor_id;
                rec.actor_organisation_id := old.actor_organisation_id;
                rec.subject_id := old.subject_id;
                rec.object_type := old.object_type;
                rec.object_id := old.object_id;
                rec.fields := old.fields;
                rec.basis := old.basis;
                rec.prev_hash := rec.hash;
                rec.hash := sha256(convert_to({OLD_CANONICAL.format(r="rec")}, 'UTF8'));
                INSERT INTO audit_log VALUES (rec.*);
            END LOOP;
        END
        $$
        """
    )
    _heads_to_the_last_link_of("audit_log")
    op.execute("DROP VIEW audit_records")
    op.execute(BATCHED_0013)
    op.execute("DROP TABLE audit_entries, audit_requests, audit_fields, audit_kinds, audit_bases")
    op.execute("SET LOCAL row_security = on")


_OLD_LOG_DDL = """
        CREATE TABLE audit_log (
            tenant_id uuid NOT NULL, seq bigint NOT NULL, occurred_at timestamptz NOT NULL,
            request_id uuid NOT NULL, operation varchar(100) NOT NULL, action varchar(10) NOT NULL,
            actor_kind varchar(10) NOT NULL, actor_id uuid NOT NULL, actor_organisation_id uuid,
            subject_id uuid NOT NULL, object_type varchar(40) NOT NULL, object_id uuid NOT NULL,
            fields text[] NOT NULL, basis varchar(100) NOT NULL, prev_hash bytea NOT NULL,
            hash bytea NOT NULL,
            CONSTRAINT pk_audit_log PRIMARY KEY (tenant_id, seq, occurred_at),
            CONSTRAINT fk_audit_log_tenant_id_tenants FOREIGN KEY (tenant_id)
                REFERENCES tenants (id)
        ) PARTITION BY RANGE (occurred_at)
"""

# 0013's function, word for word (a migration keeps its own copy).
BATCHED_0013 = """
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
""".replace("{canonical}", OLD_CANONICAL.format(r="rec"))
