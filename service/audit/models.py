"""The audit log, compact and in lanes (migrations/sql/schema/audit.sql).

One chain link per request and jobcenter (`AuditRequest`: who, when, which operation, the hash),
and one small row per object read or written (`AuditEntry`): which client, which object, on what
ground, and the fields as a bitmask. Object kinds, bases and field names are codes into
append-only dictionaries of the jobcenter, so a record written years ago stays readable.

Partitioned by month, so retention detaches and archives whole months rather than deleting rows.
Append-only: the service's role may only read these tables; records are added through the
`audit_append` function (SECURITY DEFINER), which also assigns new codes and chains the links
(each link's hash covers its header, its entries by name and the previous link's hash).

A jobcenter's chain is `LANES` parallel chains: a request appends to a lane no other transaction
holds, so requests of one jobcenter no longer queue on one row lock until they commit.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, tenant_key

# A field set is a bigint bitmask, sign bit unused: 63 fields per object kind. The 64th fails
# the request loudly (audit_append raises; fail closed) rather than spilling into a second mask:
# the widest type today has far fewer (tests/audit/test_codes.py counts them).
FIELD_BITS = 63
# Parallel chains per jobcenter (migrations/sql/functions/audit_append.sql); verification
# walks each.
LANES = 16


def _lane() -> Mapped[int]:
    return mapped_column(SmallInteger, primary_key=True, autoincrement=False)


class AuditRequest(TenantScoped, Base):
    """One link of a jobcenter's chain: one request's header, in one lane. Its hash covers this
    row (the lane only when not 0), all its entries (by name, in entry order) and the previous
    link's hash (`seq - 1` of the same lane)."""

    __tablename__ = "audit_requests"
    __table_args__ = ({"postgresql_partition_by": "RANGE (occurred_at)"},)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    lane: Mapped[int] = _lane()
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(primary_key=True)
    request_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    operation: Mapped[str] = mapped_column(String(100))
    actor_kind: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEntry(TenantScoped, Base):
    """One object's worth of fields read (or written) in one request: 104 bytes a row (seq an
    integer per lane, so the lane's 2 bytes fit without crossing an 8-byte boundary).

    `object_id` is NULL when the object is the client itself (the client record), `kind` names
    action and object type together, `fields` is a bitmask into `AuditField`. The Auskunft finds
    a client's entries by subject_id and time, newest first: subject ids are UUIDs, unique across
    jobcenters, row-level security adds the tenant; with the time in the index a page reads its
    own requests' entries, not every entry of the client in a month (migration 0011: ≈ 43 bytes
    an entry for case lists, where the subject alone took ≈ 12).
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_subject_id_occurred_at", "subject_id", "occurred_at"),
        {"postgresql_partition_by": "RANGE (occurred_at)"},
    )

    # No foreign key to `tenants`: its header's holds for it, and a check per entry was 0.7 ms
    # of a case list's append (migration 0009).
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    lane: Mapped[int] = _lane()
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(primary_key=True)
    entry: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    fields: Mapped[int] = mapped_column(BigInteger)
    subject_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    object_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    basis: Mapped[int] = mapped_column(Integer)
    kind: Mapped[int] = mapped_column(SmallInteger)


class AuditKind(TenantScoped, Base):
    """Dictionary: action and object type of an entry ("read", "client")."""

    __tablename__ = "audit_kinds"
    __table_args__ = (UniqueConstraint("tenant_id", "action", "object_type"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    code: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    action: Mapped[str] = mapped_column(String(10))
    object_type: Mapped[str] = mapped_column(String(40))


class AuditField(TenantScoped, Base):
    """Dictionary: a field name of an object kind and its bit in the entries' mask."""

    __tablename__ = "audit_fields"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "name"),
        CheckConstraint(f"bit BETWEEN 0 AND {FIELD_BITS - 1}", name="bit_fits_the_mask"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    bit: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))


class AuditBasis(TenantScoped, Base):
    """Dictionary: the ground of a read ("consent:<id>", "responsible_case_manager", …)."""

    __tablename__ = "audit_bases"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))


class AuditChainHead(TenantScoped, Base):
    """The last link of each lane of a tenant's chain: where the next request in that lane
    continues it. The row is locked by the appending transaction until it commits."""

    __tablename__ = "audit_chain_heads"

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    lane: Mapped[int] = _lane()
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


AUDIT_MODELS = (AuditRequest, AuditEntry, AuditKind, AuditField, AuditBasis, AuditChainHead)
