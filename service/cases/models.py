from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, String, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, created_at, tenant_key, uuid_pk


class CaseStatus(StrEnum):
    PROPOSED = "proposed"  # Fallzugang vorgeschlagen, not yet decided
    DECLINED = "declined"  # intake declined, with a recorded reason
    ADMITTED = "admitted"  # in case management
    CLOSED = "closed"  # Fallabgang


OPEN_STATUSES = (CaseStatus.PROPOSED, CaseStatus.ADMITTED)


class Case(Base):
    """A client's case in employment-oriented case management, from intake to closure.

    At most one open (proposed or admitted) case per client and jobcenter: a partial unique index.
    `version` increases with every change, so two staff editing at once cannot lose an update.
    """

    __tablename__ = "cases"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "responsible_case_manager_id"],
            ["staff_users.tenant_id", "staff_users.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "deputy_case_manager_id"], ["staff_users.tenant_id", "staff_users.id"]
        ),
        CheckConstraint(
            "status IN ('proposed', 'declined', 'admitted', 'closed')", name="status_known"
        ),
        Index(
            "uq_cases_one_open_per_client",
            "tenant_id",
            "client_id",
            unique=True,
            postgresql_where=text("status IN ('proposed', 'admitted')"),
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    status: Mapped[str] = mapped_column(String(20), server_default=text("'proposed'"))
    responsible_case_manager_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    deputy_case_manager_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    version: Mapped[int] = mapped_column(server_default=text("1"))
    created_at: Mapped[datetime] = created_at()
