"""Chain heads of every jobcenter for anchoring, to the service's role.

Anchoring (service/audit/anchoring.py) signs the heads of all jobcenters at once, every ten
minutes, from `service serve` or a cron job running as the service's role. That role sees only
its bound jobcenter's audit records under row-level security, and should not need the owner's
rights for this. `audit_anchor_heads()` runs as the owner and returns exactly what an anchor
holds — tenant, lane, seq and hash of each head, no record, no client — so granting it widens
nothing else. (The heads' own policy, `chain_keeping` of 0006, happens to let the role read
every head today; this function states the need, so tightening that policy later does not
silently empty the anchors.)

Revision ID: 0021_audit_anchor_heads
Revises: 0020_deputy_consent_person
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021_audit_anchor_heads"
down_revision: str | None = "0020_deputy_consent_person"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"

HEADS_FUNCTION = """
CREATE FUNCTION audit_anchor_heads()
RETURNS TABLE (tenant_id uuid, lane smallint, seq integer, hash bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT h.tenant_id, h.lane, h.seq, h.hash FROM audit_chain_heads h
     ORDER BY h.tenant_id, h.lane
$$
"""


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '10s'")
    op.execute(HEADS_FUNCTION)
    op.execute("REVOKE ALL ON FUNCTION audit_anchor_heads() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION audit_anchor_heads() TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS audit_anchor_heads()")
