from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, tenant_key, uuid_pk


class PartnerOrganisation(Base):
    """A counselling organisation (Träger). Global: one organisation can be a network partner of
    several jobcenters, so it belongs to none of them. No personal data; a Citus reference table.
    """

    __tablename__ = "partner_organisations"

    id: Mapped[uuid.UUID] = uuid_pk()
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at()


class NetworkMembership(TenantScoped, Base):
    """That an organisation is a network partner of one jobcenter, and for which services."""

    __tablename__ = "network_memberships"

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    partner_organisation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("partner_organisations.id"), primary_key=True, index=True
    )
    service_categories: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    contact: Mapped[str | None] = mapped_column(Text)
    capacity_note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[datetime] = created_at()


class PartnerUser(Base):
    """A counsellor at a partner organisation. Keyed by organisation, not by tenant: the same
    person works on referrals from every jobcenter whose network the organisation belongs to.
    Row-level security limits it to the organisation's own requests.
    """

    __tablename__ = "partner_users"
    __table_args__ = (UniqueConstraint("organisation_id", "subject"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("partner_organisations.id"), primary_key=True
    )
    id: Mapped[uuid.UUID] = uuid_pk()
    subject: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    created_at: Mapped[datetime] = created_at()
