from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKeyConstraint, Index, String, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, tenant_key, uuid_pk
from service.policy.categories import DataCategory
from service.policy.data_map import DATE, free_text, kept, not_personal
from service.tenants.reach import reach_column


class ClientRestriction(TenantScoped, Base):
    """Restriction of processing (Sperrung, Art. 18 GDPR): while it is not lifted, nobody but
    the data-protection officer reads the client's data. Lifting is recorded, not deleted."""

    __tablename__ = "client_restrictions"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"]),
        Index(
            "uq_client_restrictions_one_active",
            "tenant_id",
            "client_id",
            unique=True,
            postgresql_where=text("lifted_at IS NULL"),
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    reason: Mapped[str] = mapped_column(String(500), info=free_text(DataCategory.CASE_STATUS))
    restricted_by_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), info=not_personal("the data-protection officer who restricted")
    )
    restricted_at: Mapped[datetime] = created_at(kept(DataCategory.CASE_STATUS, DATE))
    lifted_at: Mapped[datetime | None] = mapped_column(info=kept(DataCategory.CASE_STATUS, DATE))
    lifted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), info=not_personal("the data-protection officer who lifted it")
    )
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()
