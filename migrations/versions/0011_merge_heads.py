"""Join the teams/indicators and the restriction/erasure branches into one head.

Revision ID: 0011_merge_heads
Revises: 0007_teams_indicators, 0010_restriction_erasure
Create Date: 2026-11-23
"""

from collections.abc import Sequence

revision: str = "0011_merge_heads"
down_revision: tuple[str, ...] = ("0007_teams_indicators", "0010_restriction_erasure")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
