from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, created_at, row_id, tenant_key


class Client(Base):
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
    customer_number: Mapped[str] = mapped_column(String(20))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    street: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    household_size: Mapped[int | None]
    children_in_household: Mapped[int | None]
    login_subject: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    erased_at: Mapped[datetime | None]
    """Set when the client's personal data was erased (Löschung); the row stays as a key."""
    created_at: Mapped[datetime] = created_at()
