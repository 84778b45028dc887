from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, ForeignKeyConstraint, Index, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, row_id, tenant_key


class StaffUser(TenantScoped, Base):
    """A jobcenter employee. `subject` is the identity provider's `sub` claim."""

    __tablename__ = "staff_users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "subject"),
        ForeignKeyConstraint(["tenant_id", "team_id"], ["teams.tenant_id", "teams.id"]),
        Index("ix_staff_users_tenant_id_team_id", "tenant_id", "team_id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    subject: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[datetime] = created_at()
    team_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))


class Team(TenantScoped, Base):
    """A team of the jobcenter, for indicators per team (domain/002: never per employee)."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = created_at()
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    """A team that was dissolved stays, so past indicators per team keep their team."""
