-- The audit log's months. The first is January 2026, the month the product's records begin
-- (bench/datagen.py writes its history from there); audit_ensure_partitions then adds every
-- month up to a year ahead, which the service keeps up itself at start and daily
-- (service/audit/partitions.py).
CREATE TABLE audit_requests_2026_01 PARTITION OF audit_requests
    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
CREATE TABLE audit_entries_2026_01 PARTITION OF audit_entries
    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00');
SELECT audit_ensure_partitions(12);
