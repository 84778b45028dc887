from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, created_at, tenant_key, uuid_pk


class StaffUser(Base):
    """A jobcenter employee. `subject` is the identity provider's `sub` claim."""

    __tablename__ = "staff_users"
    __table_args__ = (UniqueConstraint("tenant_id", "subject"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    subject: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[datetime] = created_at()
