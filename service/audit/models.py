from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, BigInteger, Index, LargeBinary, String, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, tenant_key


class AuditEvent(Base):
    """One object's worth of fields read (or written) by one actor in one request.

    Partitioned by month, so retention detaches and archives whole months rather than deleting
    rows. Append-only: the service's role may only read it; rows are added through the
    `audit_append` function, which also chains them (each row's hash covers its content and the
    previous row's hash, per tenant).
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index(
            "ix_audit_log_tenant_id_subject_id_occurred_at",
            "tenant_id",
            "subject_id",
            "occurred_at",
        ),
        {"postgresql_partition_by": "RANGE (occurred_at)"},
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    operation: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    subject_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    fields: Mapped[list[str]] = mapped_column(ARRAY(Text))
    basis: Mapped[str] = mapped_column(String(100))
    prev_hash: Mapped[bytes] = mapped_column(LargeBinary)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class AuditChainHead(Base):
    """The last link of each tenant's chain: where the next record continues it."""

    __tablename__ = "audit_chain_heads"

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[bytes] = mapped_column(LargeBinary)
