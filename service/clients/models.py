from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, row_id, tenant_key
from service.policy.categories import DataCategory
from service.policy.data_map import WRITTEN_AT, identifying, not_personal, replaced
from service.tenants.reach import reach_column

# Erasure keeps the customer number unique per jobcenter without keeping it.
CUSTOMER_NUMBER_PLACEHOLDER = "'GELÖSCHT-' || left(replace(id::text, '-', ''), 8)"


class Client(TenantScoped, Base):
    """A person receiving SGB II benefits from this jobcenter.

    Every column but the keys is personal data; later issues expose them only through the field
    guard, each under its data category. `login_subject` links the client's own login, if any.
    """

    __tablename__ = "clients"
    __table_args__ = (
        UniqueConstraint("tenant_id", "customer_number"),
        UniqueConstraint("tenant_id", "login_subject"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    customer_number: Mapped[str] = mapped_column(
        String(20), info=replaced(DataCategory.IDENTITY, CUSTOMER_NUMBER_PLACEHOLDER)
    )
    household_community_number: Mapped[str | None] = mapped_column(
        String(20), info=identifying(DataCategory.HOUSEHOLD)
    )
    """Nummer der Bedarfsgemeinschaft (BG-Nummer): which household the client's benefits are
    assessed with (§ 7 Abs. 3 SGB II). Household data: it ties the client to the others in it."""
    given_name: Mapped[str] = mapped_column(String(100), info=identifying(DataCategory.IDENTITY))
    family_name: Mapped[str] = mapped_column(String(100), info=identifying(DataCategory.IDENTITY))
    date_of_birth: Mapped[date | None] = mapped_column(info=identifying(DataCategory.IDENTITY))
    street: Mapped[str | None] = mapped_column(String(200), info=identifying(DataCategory.CONTACT))
    postal_code: Mapped[str | None] = mapped_column(
        String(10), info=identifying(DataCategory.CONTACT)
    )
    city: Mapped[str | None] = mapped_column(String(100), info=identifying(DataCategory.CONTACT))
    phone: Mapped[str | None] = mapped_column(String(40), info=identifying(DataCategory.CONTACT))
    email: Mapped[str | None] = mapped_column(String(254), info=identifying(DataCategory.CONTACT))
    household_size: Mapped[int | None] = mapped_column(info=identifying(DataCategory.HOUSEHOLD))
    children_in_household: Mapped[int | None] = mapped_column(
        info=identifying(DataCategory.HOUSEHOLD)
    )
    login_subject: Mapped[str | None] = mapped_column(
        String(255), info=identifying(DataCategory.IDENTITY)
    )
    active: Mapped[bool] = mapped_column(
        server_default=text("true"),
        info=not_personal("whether the service still serves the client; erasure sets it false"),
    )
    erased_at: Mapped[datetime | None] = mapped_column(
        info=not_personal("when the data was erased, which says nothing of what it was")
    )
    """Set when the client's personal data was erased (Löschung); the row stays as a key."""
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
    reached_by: Mapped[list[uuid.UUID] | None] = reach_column()
