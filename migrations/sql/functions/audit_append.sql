-- The one way into the audit log: the service's role holds SELECT on the audit tables and
-- EXECUTE on this, nothing else, so it cannot insert a record of its own making, nor change or
-- delete one. SECURITY DEFINER (owned by the migrating owner): it numbers and chains the records.
--
-- The records come as typed arrays, one per column, in four groups (service/audit/event.py,
-- encode): links (one per request and jobcenter: the header), shapes (one per jobcenter, kind
-- and field set: the fields as their names, comma-joined), bases (one per jobcenter and
-- ground) and entries (one per object, naming its link, shape and basis by position, from 1).
-- Walking one jsonb in plpgsql cost 1.6–1.8× this form (FIELD-NOTES.md, "Throughput"); the caller sends each array as one text literal, which
-- PostgreSQL parses faster than asyncpg checks an array parameter's elements (180 → 53 µs for
-- 700 values).
--
-- Lanes: each jobcenter's chain is 16 parallel chains, so requests of one jobcenter do not
-- queue on one head row until their commit (with 16 clients of one jobcenter 3.8 of 16
-- backends waited on the single head; bench/RESULTS.md). A call takes the first lane no
-- other transaction holds (FOR UPDATE SKIP LOCKED) and waits only when all are held.
--
-- A link's hash is SHA-256 over its canonical text, which service/audit/verify.py (canonical)
-- computes the same way: the header `tenant|lane|seq|micros|request|operation|actor_kind|
-- actor|organisation`, a newline, its entries `entry|action|subject|object_type|object|fields|
-- basis` (in entry order, newline-separated; field names sorted by code point, the object id
-- spelled out even where stored as NULL), a newline and the previous link's hash (same
-- jobcenter and lane) in hex. Names, not codes, are hashed: a changed dictionary is caught like
-- a changed record. The lane is hashed, so a link moved to another lane no longer verifies.
--
-- Written for Citus (docs/scale-out.md, "What has to change", item 3): one jobcenter at a
-- time, and every statement on a table names it as a constant `tenant_id`, so each is routed
-- to one shard (a join of `unnest` with the dictionaries on the arrays' tenant was refused:
-- "complex joins are only supported when all distributed tables are co-located and joined on
-- their distribution columns"); no statement joins a set-returning function with a correlated
-- subquery; dictionaries are joined, not probed row by row.
CREATE OR REPLACE FUNCTION audit_append(
    link_tenants uuid[], link_requests uuid[], link_times timestamptz[], link_operations text[],
    link_actor_kinds text[], link_actors uuid[], link_organisations uuid[],
    shape_tenants uuid[], shape_actions text[], shape_object_types text[], shape_fields text[],
    basis_tenants uuid[], basis_names text[],
    entry_links integer[], entry_shapes integer[], entry_bases integer[], entry_subjects uuid[],
    entry_objects uuid[]
) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    links integer := coalesce(cardinality(link_tenants), 0);
    shapes integer := coalesce(cardinality(shape_tenants), 0);
    bases integer := coalesce(cardinality(basis_tenants), 0);
    entries integer := coalesce(cardinality(entry_links), 0);
    tenant record;
    link record;
    head audit_chain_heads%ROWTYPE;
    shape_kinds smallint[];
    shape_masks bigint[];
    shape_names text[];
    shapes_known boolean;
    basis_codes integer[];
    bases_known boolean;
    link_seqs integer[] := '{}';
    headers audit_requests[] := '{}';
    header audit_requests%ROWTYPE;
    full_kind record;
    written integer := 0;
    inserted integer;
BEGIN
    IF (links = ALL (ARRAY[cardinality(link_requests), cardinality(link_times),
                               cardinality(link_operations), cardinality(link_actor_kinds),
                               cardinality(link_actors), cardinality(link_organisations)])
            AND shapes = ALL (ARRAY[cardinality(shape_actions), cardinality(shape_object_types),
                                    cardinality(shape_fields)])
            AND bases = cardinality(basis_names)
            AND entries = ALL (ARRAY[cardinality(entry_shapes), cardinality(entry_bases),
                                     cardinality(entry_subjects), cardinality(entry_objects)]))
       IS NOT TRUE THEN
        RAISE EXCEPTION 'audit: the arrays of a group differ in length';
    END IF;
    -- Every entry names a link, a shape and a basis of one jobcenter: codes are per jobcenter.
    IF EXISTS (SELECT 1 FROM unnest(entry_links, entry_shapes, entry_bases) x(link, shape, basis)
                WHERE link_tenants[x.link] IS NULL
                   OR link_tenants[x.link] IS DISTINCT FROM shape_tenants[x.shape]
                   OR link_tenants[x.link] IS DISTINCT FROM basis_tenants[x.basis]) THEN
        RAISE EXCEPTION 'audit: an entry names no link, or a shape or basis of another jobcenter';
    END IF;
    IF entries = 0 THEN
        RETURN 0;
    END IF;

    -- One jobcenter at a time, in a fixed order (two calls over the same jobcenters cannot
    -- deadlock), each statement naming it as a constant `tenant_id`: on Citus each is routed
    -- to that jobcenter's shard (docs/scale-out.md, "What has to change", item 3). A request's
    -- call carries one jobcenter; a group-committed batch may carry a few.
    FOR tenant IN
        SELECT t.tenant_id, min(t.request_id::text)::uuid AS request_id
          FROM unnest(link_tenants, link_requests) t(tenant_id, request_id)
         GROUP BY 1 ORDER BY 1
    LOOP
        -- A jobcenter's 16 lanes, made on its first call.
        PERFORM FROM audit_chain_heads WHERE tenant_id = tenant.tenant_id AND lane = 15;
        IF NOT FOUND THEN
            INSERT INTO audit_chain_heads (tenant_id, lane, seq, hash)
            SELECT tenant.tenant_id, l.lane, 0, ''::bytea FROM generate_series(0, 15) l(lane)
            ON CONFLICT (tenant_id, lane) DO NOTHING;
        END IF;
        -- Its lane, held to the commit: the first that no other transaction holds; only when
        -- all are held, wait, on a lane picked by the request id (so waits spread).
        SELECT * INTO head FROM audit_chain_heads WHERE tenant_id = tenant.tenant_id
         ORDER BY lane FOR UPDATE SKIP LOCKED LIMIT 1;
        IF NOT FOUND THEN
            SELECT * INTO head FROM audit_chain_heads
             WHERE tenant_id = tenant.tenant_id
               AND lane = get_byte(uuid_send(tenant.request_id), 15) % 16
               FOR UPDATE;
        END IF;

        -- Codes as they stand, at the positions of this jobcenter's shapes and bases (NULL at
        -- another's): the kind, mask and hashed names (sorted by code point) of each shape, the
        -- code of each basis. Only when a name is new (rare: a new field, object type or
        -- consent) is the dictionary lock taken and the lookup repeated; probing for new names
        -- first cost three more statements on every call (≈ 1.3 ms of 4.7 for 50 objects on a
        -- loaded 2-core machine, bench/audit_append_cost.py).
        FOR attempt IN 1..2 LOOP
            WITH s AS (SELECT * FROM unnest(shape_tenants, shape_actions, shape_object_types,
                                            shape_fields) WITH ORDINALITY
                                      s(tenant_id, action, object_type, fields, n)),
            kinds AS (SELECT s.n, k.code FROM s
                        JOIN audit_kinds k ON k.tenant_id = tenant.tenant_id
                                          AND k.action = s.action
                                          AND k.object_type = s.object_type
                       WHERE s.tenant_id = tenant.tenant_id),
            named AS (SELECT DISTINCT s.n, f.name FROM s
                        CROSS JOIN LATERAL string_to_table(s.fields, ',') f(name)
                       WHERE s.tenant_id = tenant.tenant_id),
            masks AS (SELECT named.n, bit_or(1::bigint << x.bit) AS mask,
                             string_agg(named.name, ',' ORDER BY named.name COLLATE "C")
                                 AS names,
                             count(x.bit) = count(*) AS known
                        FROM named
                        LEFT JOIN kinds ON kinds.n = named.n
                        LEFT JOIN audit_fields x ON x.tenant_id = tenant.tenant_id
                                                AND x.kind = kinds.code AND x.name = named.name
                       GROUP BY named.n)
            SELECT array_agg(kinds.code ORDER BY s.n),
                   array_agg(coalesce(masks.mask, 0) ORDER BY s.n),
                   array_agg(coalesce(masks.names, '') ORDER BY s.n),
                   coalesce(bool_and(kinds.code IS NOT NULL AND coalesce(masks.known, true))
                                FILTER (WHERE s.tenant_id = tenant.tenant_id), true)
              INTO shape_kinds, shape_masks, shape_names, shapes_known
              FROM s
              LEFT JOIN kinds ON kinds.n = s.n
              LEFT JOIN masks ON masks.n = s.n;
            WITH b AS (SELECT * FROM unnest(basis_tenants, basis_names) WITH ORDINALITY
                                      b(tenant_id, name, n))
            SELECT array_agg(a.code ORDER BY b.n),
                   coalesce(bool_and(a.code IS NOT NULL)
                                FILTER (WHERE b.tenant_id = tenant.tenant_id), true)
              INTO basis_codes, bases_known
              FROM b LEFT JOIN audit_bases a ON a.tenant_id = tenant.tenant_id
                                            AND b.tenant_id = tenant.tenant_id
                                            AND a.name = b.name;
            EXIT WHEN shapes_known AND bases_known;
            IF attempt = 2 THEN
                RAISE EXCEPTION 'audit: codes still missing after adding them';
            END IF;

            -- New codes: two lanes (or two processes) may add the same name at once. Under the
            -- lock, each statement sees the codes a holder before it committed. (On Citus the
            -- lock is the coordinator's: right while every append goes through it.)
            PERFORM pg_advisory_xact_lock(1096107092, hashtext(tenant.tenant_id::text));

            WITH s AS (SELECT DISTINCT s.action, s.object_type
                         FROM unnest(shape_tenants, shape_actions, shape_object_types)
                              s(tenant_id, action, object_type)
                        WHERE s.tenant_id = tenant.tenant_id),
            missing AS (SELECT s.* FROM s
                          LEFT JOIN audit_kinds k ON k.tenant_id = tenant.tenant_id
                                                 AND k.action = s.action
                                                 AND k.object_type = s.object_type
                         WHERE k.code IS NULL),
            top AS (SELECT coalesce(max(code), 0) AS code FROM audit_kinds
                     WHERE tenant_id = tenant.tenant_id)
            INSERT INTO audit_kinds (tenant_id, code, action, object_type)
            SELECT tenant.tenant_id,
                   top.code + row_number() OVER (ORDER BY m.action, m.object_type),
                   m.action, m.object_type
              FROM missing m CROSS JOIN top;

            WITH b AS (SELECT DISTINCT b.name
                         FROM unnest(basis_tenants, basis_names) b(tenant_id, name)
                        WHERE b.tenant_id = tenant.tenant_id),
            missing AS (SELECT b.* FROM b
                          LEFT JOIN audit_bases a ON a.tenant_id = tenant.tenant_id
                                                 AND a.name = b.name
                         WHERE a.code IS NULL),
            top AS (SELECT coalesce(max(code), 0) AS code FROM audit_bases
                     WHERE tenant_id = tenant.tenant_id)
            INSERT INTO audit_bases (tenant_id, code, name)
            SELECT tenant.tenant_id, top.code + row_number() OVER (ORDER BY m.name), m.name
              FROM missing m CROSS JOIN top;

            -- New field names get the next bits of their kind; beyond the mask none is
            -- assigned, and the call is refused below.
            WITH s AS (SELECT * FROM unnest(shape_tenants, shape_actions, shape_object_types,
                                            shape_fields) s(tenant_id, action, object_type, fields)
                        WHERE s.tenant_id = tenant.tenant_id),
            f AS (SELECT DISTINCT s.action, s.object_type, n.name
                    FROM s CROSS JOIN LATERAL string_to_table(s.fields, ',') n(name)),
            missing AS (SELECT k.code AS kind, f.action, f.object_type, f.name
                          FROM f
                          JOIN audit_kinds k ON k.tenant_id = tenant.tenant_id
                                            AND k.action = f.action
                                            AND k.object_type = f.object_type
                          LEFT JOIN audit_fields x ON x.tenant_id = tenant.tenant_id
                                                  AND x.kind = k.code AND x.name = f.name
                         WHERE x.bit IS NULL),
            top AS (SELECT kind, max(bit) AS bit FROM audit_fields
                     WHERE tenant_id = tenant.tenant_id GROUP BY kind),
            numbered AS (SELECT m.*, coalesce(top.bit, -1) + row_number() OVER (
                                    PARTITION BY m.kind ORDER BY m.name) AS bit
                           FROM missing m LEFT JOIN top ON top.kind = m.kind),
            added AS (INSERT INTO audit_fields (tenant_id, kind, bit, name)
                      SELECT tenant.tenant_id, kind, bit, name FROM numbered WHERE bit < 63
                      RETURNING 1)
            SELECT n.object_type, n.action INTO full_kind FROM numbered n WHERE n.bit >= 63
             LIMIT 1;
            -- The 64th field of an object kind: fail the call (no data leaves unrecorded) and
            -- say why, rather than let the bit-range constraint speak.
            IF FOUND THEN
                RAISE EXCEPTION 'audit: % of % would need field number %, but a record holds %',
                    full_kind.action, full_kind.object_type, 64, 63
                    USING HINT = 'split the object type or give audit_entries a second field mask';
            END IF;
        END LOOP;

        -- This jobcenter's links in chain order (as sent), each on its lane.
        headers := '{}';
        FOR link IN
            WITH e AS (SELECT x.*, row_number() OVER (PARTITION BY x.link ORDER BY x.n) AS entry
                         FROM unnest(entry_links, entry_shapes, entry_bases, entry_subjects,
                                     entry_objects) WITH ORDINALITY
                              x(link, shape, basis, subject_id, object_id, n)
                        WHERE link_tenants[x.link] = tenant.tenant_id)
            SELECT e.link,
                   string_agg(concat_ws('|', e.entry::text, shape_actions[e.shape],
                                        e.subject_id::text, shape_object_types[e.shape],
                                        e.object_id::text, shape_names[e.shape],
                                        basis_names[e.basis]),
                              E'\n' ORDER BY e.entry) AS entries
              FROM e
             GROUP BY e.link
             ORDER BY e.link
        LOOP
            header.tenant_id := tenant.tenant_id;
            header.lane := head.lane;
            header.seq := head.seq + 1;
            header.occurred_at := link_times[link.link];
            header.request_id := link_requests[link.link];
            header.operation := link_operations[link.link]::varchar(100);
            header.actor_kind := link_actor_kinds[link.link]::varchar(10);
            header.actor_id := link_actors[link.link];
            header.actor_organisation_id := link_organisations[link.link];
            header.hash := sha256(convert_to(concat_ws('|', header.tenant_id::text, header.lane::text, header.seq::text, (extract(epoch from header.occurred_at) * 1000000)::bigint::text, header.request_id::text, header.operation, header.actor_kind, header.actor_id::text, coalesce(header.actor_organisation_id::text, '')) || E'\n'
                || link.entries || E'\n' || encode(head.hash, 'hex'), 'UTF8'));
            headers := headers || header;
            link_seqs[link.link] := header.seq;
            head.seq := header.seq;
            head.hash := header.hash;
        END LOOP;
        UPDATE audit_chain_heads SET seq = head.seq, hash = head.hash
         WHERE tenant_id = tenant.tenant_id AND lane = head.lane;
        INSERT INTO audit_requests SELECT * FROM unnest(headers);
        INSERT INTO audit_entries (seq, occurred_at, fields, tenant_id, subject_id, object_id,
                                   basis, kind, entry, lane)
        WITH e AS (SELECT x.*, row_number() OVER (PARTITION BY x.link ORDER BY x.n) AS entry
                     FROM unnest(entry_links, entry_shapes, entry_bases, entry_subjects,
                                 entry_objects) WITH ORDINALITY
                          x(link, shape, basis, subject_id, object_id, n)
                    WHERE link_tenants[x.link] = tenant.tenant_id)
        SELECT link_seqs[e.link], link_times[e.link], shape_masks[e.shape], tenant.tenant_id,
               e.subject_id, NULLIF(e.object_id, e.subject_id), basis_codes[e.basis],
               shape_kinds[e.shape], e.entry, head.lane
          FROM e
         -- In key order: the lane's key grows at its right edge (pages 90 % full, not half).
         ORDER BY link_seqs[e.link], e.entry;
        GET DIAGNOSTICS inserted = ROW_COUNT;
        written := written + inserted;
    END LOOP;
    RETURN written;
END
$$;

REVOKE ALL ON FUNCTION audit_append(uuid[], uuid[], timestamptz[], text[], text[], uuid[], uuid[], uuid[], text[], text[], text[], uuid[], text[], integer[], integer[], integer[], uuid[], uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_append(uuid[], uuid[], timestamptz[], text[], text[], uuid[], uuid[], uuid[], text[], text[], text[], uuid[], text[], integer[], integer[], integer[], uuid[], uuid[]) TO casework_app;
