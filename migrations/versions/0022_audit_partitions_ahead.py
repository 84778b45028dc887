"""Audit partitions that never run out: `audit_ensure_partitions(months)` adds the monthly
partitions of `audit_requests` and `audit_entries` until `months` months past the current one
are covered. A SECURITY DEFINER function, so the service (which owns nothing) can keep them in
place at start and daily; `service audit partitions` calls it as a deploy step.

Without it, 0006's 36 months ran out on 2029-01-01 and every request carrying personal data
would have answered 503 from then on (fail closed: no partition, no record, no data).

New partitions follow the last one's upper bound, so they stay contiguous whatever time zone
the first ones were made in; each is named after the month it mostly covers.

Revision ID: 0022_audit_partitions_ahead
Revises: 0021_audit_anchor_heads
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022_audit_partitions_ahead"
down_revision: str | None = "0021_audit_anchor_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"
MAX_MONTHS = 120

ENSURE = f"""
CREATE FUNCTION audit_ensure_partitions(months integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC'
AS $$
DECLARE
    parent text;
    upper_bound timestamptz;
    until timestamptz;
    month_start timestamptz;
    created integer := 0;
BEGIN
    IF months IS NULL OR months < 0 OR months > {MAX_MONTHS} THEN
        RAISE EXCEPTION 'months must lie between 0 and {MAX_MONTHS}';
    END IF;
    until := date_trunc('month', now()) + make_interval(months => months + 1);
    FOREACH parent IN ARRAY ARRAY['audit_requests', 'audit_entries'] LOOP
        -- Partitions are added in order; only one writer at a time decides the next bound.
        PERFORM pg_advisory_xact_lock(hashtext('audit_ensure_partitions:' || parent));
        SELECT max(substring(pg_get_expr(c.relpartbound, c.oid)
                             FROM 'TO \\(''([^'']+)''\\)')::timestamptz)
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
$$
"""

# Whole months covered after the current one, the lesser of the two tables: what /readyz and the
# gauge report.
MONTHS_AHEAD = """
CREATE FUNCTION audit_partition_months_ahead() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC'
AS $$
    SELECT coalesce(min(ahead), -1)::integer FROM (
        SELECT (extract(year FROM age(date_trunc('month', max(upper_bound) - interval '1 day'),
                                      date_trunc('month', now()))) * 12
              + extract(month FROM age(date_trunc('month', max(upper_bound) - interval '1 day'),
                                       date_trunc('month', now())))) AS ahead
          FROM (SELECT i.inhparent AS parent,
                       substring(pg_get_expr(c.relpartbound, c.oid)
                                 FROM 'TO \\(''([^'']+)''\\)')::timestamptz AS upper_bound
                  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent IN ('audit_requests'::regclass, 'audit_entries'::regclass)
               ) bounds
         GROUP BY parent
    ) per_table
$$
"""


def upgrade() -> None:
    op.execute(ENSURE)
    op.execute(MONTHS_AHEAD)
    for function in ("audit_ensure_partitions(integer)", "audit_partition_months_ahead()"):
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {function} TO {APP_ROLE}")
    op.execute("SELECT audit_ensure_partitions(12)")


def downgrade() -> None:
    op.execute("DROP FUNCTION audit_partition_months_ahead()")
    op.execute("DROP FUNCTION audit_ensure_partitions(integer)")
