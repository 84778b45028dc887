"""Administration (issue 18): the household community number of a client, teams that are
dissolved rather than deleted, and teams kept through the API.

- `clients.household_community_number` (Nummer der Bedarfsgemeinschaft): nullable, no default,
  so adding it rewrites nothing. Household data in the data map (service/clients/models.py).
- `teams.active`: a dissolved team stays, so indicators per team of past months keep naming it.
  `DEFAULT true` on a new column is a catalog change only (PostgreSQL 11+), no rewrite.
- The service's role may now insert and update teams (0007 granted SELECT only: teams were kept
  by the seed); the jobcenter's administration keeps them, under policies.polar. Never DELETE:
  staff and past indicators refer to them.

Revision ID: 0023_administration
Revises: 0022_audit_partitions_ahead
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023_administration"
down_revision: str | None = "0022_audit_partitions_ahead"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = "casework_app"


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("ALTER TABLE clients ADD COLUMN household_community_number varchar(20)")
    op.execute("ALTER TABLE teams ADD COLUMN active boolean NOT NULL DEFAULT true")
    op.execute(f"GRANT INSERT, UPDATE ON teams TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(f"REVOKE INSERT, UPDATE ON teams FROM {APP_ROLE}")
    op.execute("ALTER TABLE teams DROP COLUMN active")
    op.execute("ALTER TABLE clients DROP COLUMN household_community_number")
