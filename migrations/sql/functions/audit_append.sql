-- The one way into the audit log: the service's role holds SELECT on the audit tables and
-- EXECUTE on this, nothing else, so it cannot insert a record of its own making, nor change or
-- delete one. SECURITY DEFINER (owned by the migrating owner): it numbers and chains the records.
--
-- `events`: a JSON array of read and write events (service/audit/recorder.py). Per jobcenter
-- and request it appends one link to audit_requests (the header: time, request, operation,
-- actor, hash) and one audit_entries row per object (kind, basis and fields as dictionary
-- codes; the fields as a bitmask of at most 63 names per kind).
--
-- Lanes: each jobcenter's chain is 16 parallel chains, so requests of one jobcenter do not
-- queue on one head row until their commit (with 16 clients of one jobcenter 3.8 of 16
-- backends waited on the single head; bench/RESULTS.md). A request takes the first lane no
-- other transaction holds (FOR UPDATE SKIP LOCKED) and waits only when all are held.
--
-- A link's hash is SHA-256 over its canonical text, which service/audit/verify.py (canonical)
-- computes the same way: the header `tenant|lane|seq|micros|request|operation|actor_kind|
-- actor|organisation`, a newline, its entries `entry|action|subject|object_type|object|fields|
-- basis` (in entry order, newline-separated; field names sorted by code point, the object id
-- spelled out even where stored as NULL), a newline and the previous link's hash (same
-- jobcenter and lane) in hex. Names, not codes, are hashed: a changed dictionary is caught like
-- a changed record. The lane is hashed, so a link moved to another lane no longer verifies.
CREATE OR REPLACE FUNCTION audit_append(events jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    link record;
    tenant record;
    head audit_chain_heads%ROWTYPE;
    lanes jsonb := '{}';
    headers audit_requests[] := '{}';
    header audit_requests%ROWTYPE;
    links bigint[] := '{}';
    link_lanes smallint[] := '{}';
    seqs integer[] := '{}';
    full_kind record;
    shapes jsonb;
    written integer;
BEGIN
    -- A jobcenter's 16 lanes, made on its first call.
    INSERT INTO audit_chain_heads (tenant_id, lane, seq, hash)
    SELECT t.tenant_id, l.lane, 0, ''::bytea
      FROM (
    SELECT (e->>'tenant_id')::uuid AS tenant_id, min(e->>'request_id')::uuid AS request_id
      FROM jsonb_array_elements(events) e GROUP BY 1 ORDER BY 1
) t CROSS JOIN generate_series(0, 15) l(lane)
     WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h
                        WHERE h.tenant_id = t.tenant_id AND h.lane = 15)
    ON CONFLICT (tenant_id, lane) DO NOTHING;
    -- One lane per jobcenter, held to the commit: the first that no other transaction holds;
    -- only when all are held, wait, on a lane picked by the request id (so waits spread).
    -- Jobcenters in a fixed order: two requests over the same jobcenters cannot deadlock.
    FOR tenant IN 
    SELECT (e->>'tenant_id')::uuid AS tenant_id, min(e->>'request_id')::uuid AS request_id
      FROM jsonb_array_elements(events) e GROUP BY 1 ORDER BY 1
 LOOP
        SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = tenant.tenant_id
         ORDER BY lane FOR UPDATE SKIP LOCKED LIMIT 1;
        IF NOT FOUND THEN
            SELECT * INTO head FROM audit_chain_heads
             WHERE tenant_id = tenant.tenant_id
               AND lane = get_byte(uuid_send(tenant.request_id), 15) % 16
               FOR UPDATE;
        END IF;
        lanes := lanes || jsonb_build_object(tenant.tenant_id::text, head.lane);
    END LOOP;
    head := NULL;

    -- New codes: two lanes of a jobcenter may add the same name at once. The dictionary lock is
    -- taken only when a name is missing; the statements after it see the holder's codes.
    IF EXISTS (
    SELECT n.tenant_id, n.action, n.object_type
      FROM (SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'action' AS action,
                   e->>'object_type' AS object_type FROM jsonb_array_elements(events) e) n
     WHERE NOT EXISTS (SELECT 1 FROM audit_kinds k WHERE k.tenant_id = n.tenant_id
                          AND k.action = n.action AND k.object_type = n.object_type)
) OR EXISTS (
    SELECT n.tenant_id, n.name
      FROM (SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'basis' AS name
              FROM jsonb_array_elements(events) e) n
     WHERE NOT EXISTS (SELECT 1 FROM audit_bases b WHERE b.tenant_id = n.tenant_id
                          AND b.name = n.name)
) OR EXISTS (
    SELECT w.tenant_id, k.code AS kind, k.action, k.object_type, w.name
      FROM (SELECT DISTINCT d.tenant_id, d.action, d.object_type, f.name
              FROM (
    SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'action' AS action,
           e->>'object_type' AS object_type, e->'fields' AS fields,
           concat_ws('/', e->>'tenant_id', e->>'action', e->>'object_type', e->'fields') AS shape
      FROM jsonb_array_elements(events) e
) d CROSS JOIN jsonb_array_elements_text(d.fields) f(name)) w
      JOIN audit_kinds k ON k.tenant_id = w.tenant_id AND k.action = w.action
                        AND k.object_type = w.object_type
     WHERE NOT EXISTS (SELECT 1 FROM audit_fields x WHERE x.tenant_id = w.tenant_id
                          AND x.kind = k.code AND x.name = w.name)
) THEN
        FOR tenant IN 
    SELECT (e->>'tenant_id')::uuid AS tenant_id, min(e->>'request_id')::uuid AS request_id
      FROM jsonb_array_elements(events) e GROUP BY 1 ORDER BY 1
 LOOP
            PERFORM pg_advisory_xact_lock(1096107092, hashtext(tenant.tenant_id::text));
        END LOOP;
        
    INSERT INTO audit_kinds (tenant_id, code, action, object_type)
    SELECT n.tenant_id, coalesce(top.code, 0) + row_number() OVER (PARTITION BY n.tenant_id
                                                                 ORDER BY n.action, n.object_type),
           n.action, n.object_type
      FROM (
    SELECT n.tenant_id, n.action, n.object_type
      FROM (SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'action' AS action,
                   e->>'object_type' AS object_type FROM jsonb_array_elements(events) e) n
     WHERE NOT EXISTS (SELECT 1 FROM audit_kinds k WHERE k.tenant_id = n.tenant_id
                          AND k.action = n.action AND k.object_type = n.object_type)
) n
      LEFT JOIN LATERAL (SELECT max(code) AS code FROM audit_kinds
                          WHERE tenant_id = n.tenant_id) top ON true;
    INSERT INTO audit_bases (tenant_id, code, name)
    SELECT n.tenant_id, coalesce(top.code, 0) + row_number() OVER (PARTITION BY n.tenant_id
                                                                 ORDER BY n.name),
           n.name
      FROM (
    SELECT n.tenant_id, n.name
      FROM (SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'basis' AS name
              FROM jsonb_array_elements(events) e) n
     WHERE NOT EXISTS (SELECT 1 FROM audit_bases b WHERE b.tenant_id = n.tenant_id
                          AND b.name = n.name)
) n
      LEFT JOIN LATERAL (SELECT max(code) AS code FROM audit_bases
                          WHERE tenant_id = n.tenant_id) top ON true;
    -- New field names get the next bits of their kind; beyond the mask none is assigned, and
    -- the call is refused below.
    WITH numbered AS (
        SELECT w.tenant_id, w.kind, w.action, w.object_type, w.name,
               coalesce(top.bit, -1) + row_number() OVER (PARTITION BY w.tenant_id, w.kind
                                                          ORDER BY w.name) AS bit
          FROM (
    SELECT w.tenant_id, k.code AS kind, k.action, k.object_type, w.name
      FROM (SELECT DISTINCT d.tenant_id, d.action, d.object_type, f.name
              FROM (
    SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'action' AS action,
           e->>'object_type' AS object_type, e->'fields' AS fields,
           concat_ws('/', e->>'tenant_id', e->>'action', e->>'object_type', e->'fields') AS shape
      FROM jsonb_array_elements(events) e
) d CROSS JOIN jsonb_array_elements_text(d.fields) f(name)) w
      JOIN audit_kinds k ON k.tenant_id = w.tenant_id AND k.action = w.action
                        AND k.object_type = w.object_type
     WHERE NOT EXISTS (SELECT 1 FROM audit_fields x WHERE x.tenant_id = w.tenant_id
                          AND x.kind = k.code AND x.name = w.name)
) w
          LEFT JOIN LATERAL (SELECT max(bit) AS bit FROM audit_fields
                              WHERE tenant_id = w.tenant_id AND kind = w.kind) top ON true),
    added AS (
        INSERT INTO audit_fields (tenant_id, kind, bit, name)
        SELECT tenant_id, kind, bit, name FROM numbered WHERE bit < 63 RETURNING 1)
    SELECT n.object_type, n.action INTO full_kind FROM numbered n WHERE n.bit >= 63
     LIMIT 1;
    -- The 64th field of an object kind: fail the request (no data leaves unrecorded) and say
    -- why, rather than let the bit-range constraint speak.
    IF FOUND THEN
        RAISE EXCEPTION 'audit: % of % would need field number %, but a record holds %',
            full_kind.action, full_kind.object_type, 64, 63
            USING HINT = 'split the object type or give audit_entries a second field mask';
    END IF;

    END IF;

    -- Per field set: its mask and its names as hashed (sorted by code point, comma-joined).
    SELECT jsonb_object_agg(d.shape, jsonb_build_array(
               (SELECT coalesce(bit_or(1::bigint << f.bit), 0) FROM audit_fields f
                 WHERE f.tenant_id = d.tenant_id AND f.kind = k.code
                   AND f.name IN (SELECT jsonb_array_elements_text(d.fields))),
               coalesce((SELECT string_agg(DISTINCT f.name COLLATE "C", ',' ORDER BY f.name COLLATE "C") FROM jsonb_array_elements_text(d.fields) f(name)), '')))
      INTO shapes
      FROM (
    SELECT DISTINCT (e->>'tenant_id')::uuid AS tenant_id, e->>'action' AS action,
           e->>'object_type' AS object_type, e->'fields' AS fields,
           concat_ws('/', e->>'tenant_id', e->>'action', e->>'object_type', e->'fields') AS shape
      FROM jsonb_array_elements(events) e
) d
      JOIN audit_kinds k ON k.tenant_id = d.tenant_id AND k.action = d.action
                        AND k.object_type = d.object_type;

    FOR link IN
        SELECT l.tenant_id, l.link, l.request_id, l.occurred_at, l.operation, l.actor_kind,
               l.actor_id, l.actor_organisation_id,
               string_agg(concat_ws('|', l.entry::text, l.action, l.subject_id::text, l.object_type, l.object_id::text, shapes->l.shape->>1, l.basis),
                          E'\n' ORDER BY l.entry) AS entries
          FROM (
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
) l
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
        header.hash := sha256(convert_to(concat_ws('|', header.tenant_id::text, header.lane::text, header.seq::text, (extract(epoch from header.occurred_at) * 1000000)::bigint::text, header.request_id::text, header.operation, header.actor_kind, header.actor_id::text, coalesce(header.actor_organisation_id::text, '')) || E'\n'
            || link.entries || E'\n' || encode(head.hash, 'hex'), 'UTF8'));
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
      FROM (
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
) l
      JOIN unnest(links, link_lanes, seqs) s(link, lane, seq) ON s.link = l.link
      JOIN audit_kinds k ON k.tenant_id = l.tenant_id AND k.action = l.action
                        AND k.object_type = l.object_type
      JOIN audit_bases b ON b.tenant_id = l.tenant_id AND b.name = l.basis
     -- In key order: each lane's key grows at its right edge (pages 90 % full, not half).
     ORDER BY l.tenant_id, s.lane, s.seq, l.entry;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$$;

REVOKE ALL ON FUNCTION audit_append(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append(jsonb) TO casework_app;
