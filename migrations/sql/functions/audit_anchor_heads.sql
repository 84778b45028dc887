-- Chain heads of every jobcenter for anchoring (service/audit/anchoring.py), to the service's
-- role. That role sees only its bound jobcenter's audit records under row-level security and
-- should not need the owner's rights to sign all heads at once: this runs as the owner and
-- returns exactly what an anchor holds (tenant, lane, seq and hash of each head, no record, no
-- client), so granting it widens nothing else. The heads' own policy `chain_keeping` happens to
-- let the role read every head today; this function states the need, so tightening that policy
-- later does not silently empty the anchors.
CREATE OR REPLACE FUNCTION audit_anchor_heads()
RETURNS TABLE (tenant_id uuid, lane smallint, seq integer, hash bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT h.tenant_id, h.lane, h.seq, h.hash FROM audit_chain_heads h
     ORDER BY h.tenant_id, h.lane
$$;

REVOKE ALL ON FUNCTION audit_anchor_heads() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_anchor_heads() TO casework_app;
