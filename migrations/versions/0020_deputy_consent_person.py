"""A deputy consent names its deputy: `consents.deputy_id`, a member of staff of the jobcenter.

The client agrees to a particular colleague standing in for an absence (domain/001: Vertretung
nur nach Rücksprache mit dem Kunden und seinem Einverständnis), not to whoever is registered as
deputy later. Until now a deputy consent named only the jobcenter, so after the deputy was
replaced the new one read the protected area under the consent given for the old one.

- `deputy_id` is nullable and has no default: adding it rewrites nothing.
- The foreign key (tenant_id, deputy_id) → staff_users is added NOT VALID and validated after,
  so the validating scan holds only a SHARE UPDATE EXCLUSIVE lock (writes go on meanwhile).
- `ck_consents_deputy_named_with_end`: a deputy consent names a deputy and has an end, and only a
  deputy consent names one. NOT VALID, so it binds every new row but not the old deputy
  consents: those name nobody and so, from this migration on, ground nobody's reads (the policy
  compares the named deputy with the reader). Guessing the person from today's registered deputy
  would repeat the very mistake; the case manager records a new consent with the client.

Revision ID: 0020_deputy_consent_person
Revises: 0019_data_map
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020_deputy_consent_person"
down_revision: str | None = "0019_data_map"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_consents_tenant_id_deputy_id_staff_users"
CHECK = "ck_consents_deputy_named_with_end"


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("ALTER TABLE consents ADD COLUMN deputy_id uuid")
    op.execute(
        f"ALTER TABLE consents ADD CONSTRAINT {FOREIGN_KEY} FOREIGN KEY (tenant_id, deputy_id)"
        " REFERENCES staff_users (tenant_id, id) NOT VALID"
    )
    op.execute(f"ALTER TABLE consents VALIDATE CONSTRAINT {FOREIGN_KEY}")
    op.execute(
        f"ALTER TABLE consents ADD CONSTRAINT {CHECK} CHECK ("
        "(purpose = 'deputy') = (deputy_id IS NOT NULL)"
        " AND (purpose <> 'deputy' OR valid_until IS NOT NULL)) NOT VALID"
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute(f"ALTER TABLE consents DROP CONSTRAINT {CHECK}")
    op.execute(f"ALTER TABLE consents DROP CONSTRAINT {FOREIGN_KEY}")
    op.execute("ALTER TABLE consents DROP COLUMN deputy_id")
