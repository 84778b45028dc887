-- Whole months of audit partitions covered after the current one, the lesser of the two
-- tables: what /readyz and the gauge `casework.audit.partition_months_ahead` report.
CREATE OR REPLACE FUNCTION audit_partition_months_ahead() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC'
AS $$
    SELECT coalesce(min(ahead), -1)::integer FROM (
        SELECT (extract(year FROM age(date_trunc('month', max(upper_bound) - interval '1 day'),
                                      date_trunc('month', now()))) * 12
              + extract(month FROM age(date_trunc('month', max(upper_bound) - interval '1 day'),
                                       date_trunc('month', now())))) AS ahead
          FROM (SELECT i.inhparent AS parent,
                       substring(pg_get_expr(c.relpartbound, c.oid)
                                 FROM 'TO \(''([^'']+)''\)')::timestamptz AS upper_bound
                  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent IN ('audit_requests'::regclass, 'audit_entries'::regclass)
               ) bounds
         GROUP BY parent
    ) per_table
$$;

REVOKE ALL ON FUNCTION audit_partition_months_ahead() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_partition_months_ahead() TO casework_app;
