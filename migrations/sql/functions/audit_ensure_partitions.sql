-- Audit partitions that never run out: adds the monthly partitions of audit_requests and
-- audit_entries until `months` months past the current one are covered. SECURITY DEFINER, so
-- the service (which owns nothing) keeps them in place at start and daily; `service audit
-- partitions` calls it as a deploy step. Without partitions ahead every request carrying
-- personal data would answer 503 (fail closed: no partition, no record, no data).
-- New partitions follow the last one's upper bound, so they stay contiguous whatever time zone
-- the first ones were made in; each is named after the month it mostly covers.
-- On Citus a partition of a distributed table is DDL on every shard, and the partitions' foreign
-- keys to the reference table `tenants` forbid running that DDL in parallel after the first one
-- ("cannot execute parallel DDL on table audit_requests after DDL command on reference table",
-- 13.2.2, docs/scale-out.md): the function runs it shard by shard. Plain PostgreSQL keeps the
-- setting as an unknown dotted name and ignores it, so one function serves both.
CREATE OR REPLACE FUNCTION audit_ensure_partitions(months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC'
SET citus.multi_shard_modify_mode = 'sequential'
AS $$
DECLARE
    parent text;
    upper_bound timestamptz;
    until timestamptz;
    month_start timestamptz;
    created integer := 0;
BEGIN
    IF months IS NULL OR months < 0 OR months > 120 THEN
        RAISE EXCEPTION 'months must lie between 0 and 120';
    END IF;
    until := date_trunc('month', now()) + make_interval(months => months + 1);
    FOREACH parent IN ARRAY ARRAY['audit_requests', 'audit_entries'] LOOP
        -- Partitions are added in order; only one writer at a time decides the next bound.
        PERFORM pg_advisory_xact_lock(hashtext('audit_ensure_partitions:' || parent));
        SELECT max(substring(pg_get_expr(c.relpartbound, c.oid)
                             FROM 'TO \(''([^'']+)''\)')::timestamptz)
          INTO upper_bound
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = parent::regclass;
        upper_bound := coalesce(upper_bound, date_trunc('month', now()));
        WHILE upper_bound < until LOOP
            month_start := date_trunc('month', upper_bound + interval '1 day');
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                           parent || '_' || to_char(month_start, 'YYYY_MM'), parent,
                           upper_bound, month_start + interval '1 month');
            upper_bound := month_start + interval '1 month';
            created := created + 1;
        END LOOP;
    END LOOP;
    RETURN created;
END
$$;

REVOKE ALL ON FUNCTION audit_ensure_partitions(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_ensure_partitions(integer) TO casework_app;
