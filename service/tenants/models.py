from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, created_at, uuid_pk


class Tenant(Base):
    """A jobcenter (gE or zkT).

    Global table, without `tenant_id` and without row-level security: it is the tenant key itself,
    holds no personal data, and partners must be able to name the jobcenters that refer to them.
    On Citus it becomes a reference table.
    """

    __tablename__ = "tenants"

    id: Mapped[uuid.UUID] = uuid_pk()
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at()
