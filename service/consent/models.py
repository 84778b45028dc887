from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, row_id, tenant_key
from service.policy.categories import DataCategory
from service.policy.data_map import SCOPE, free_text, kept, not_personal


class Consent(TenantScoped, Base):
    """A client's consent, as given. Never edited: the service's role may only insert and read
    it; a revocation is a fact of its own (ConsentRevocation)."""

    __tablename__ = "consents"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"]),
        ForeignKeyConstraint(["tenant_id", "referral_id"], ["referrals.tenant_id", "referrals.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "deputy_id"], ["staff_users.tenant_id", "staff_users.id"]
        ),
        Index("ix_consents_referral_id", "referral_id"),
        # A case list reads its deputy cases' deputy consents by client and purpose (0008).
        Index("ix_consents_client_id_purpose", "client_id", "purpose"),
        # What a revocation's grantee is checked against (migration 0007).
        UniqueConstraint("tenant_id", "id", "grantee_organisation_id"),
        # A deputy consent names its deputy and ends with the absence; only it names a deputy
        # (migration 0020: NOT VALID, older deputy consents name nobody and ground nobody).
        CheckConstraint(
            "(purpose = 'deputy') = (deputy_id IS NOT NULL)"
            " AND (purpose <> 'deputy' OR valid_until IS NOT NULL)",
            name="deputy_named_with_end",
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    purpose: Mapped[str] = mapped_column(String(20), info=kept(DataCategory.CONSENTS, SCOPE))
    grantee_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("partner_organisations.id"), index=True
    )
    referral_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The member of staff a deputy consent lets stand in, for its period only.
    deputy_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    direction: Mapped[str] = mapped_column(String(20), info=kept(DataCategory.CONSENTS, SCOPE))
    categories: Mapped[list[str]] = mapped_column(
        ARRAY(String(40)), info=kept(DataCategory.CONSENTS, SCOPE)
    )
    explicit_special_categories: Mapped[bool] = mapped_column(
        info=kept(DataCategory.CONSENTS, SCOPE)
    )
    valid_from: Mapped[datetime] = mapped_column(info=kept(DataCategory.CONSENTS, SCOPE))
    valid_until: Mapped[datetime | None] = mapped_column(info=kept(DataCategory.CONSENTS, SCOPE))
    evidence_reference: Mapped[str | None] = mapped_column(
        String(200), info=free_text(DataCategory.CONSENTS)
    )
    informed_content: Mapped[bool] = mapped_column(info=kept(DataCategory.CONSENTS, SCOPE))
    informed_effects: Mapped[bool] = mapped_column(info=kept(DataCategory.CONSENTS, SCOPE))
    informed_scope: Mapped[bool] = mapped_column(info=kept(DataCategory.CONSENTS, SCOPE))
    informed_voluntariness: Mapped[bool] = mapped_column(info=kept(DataCategory.CONSENTS, SCOPE))
    informed_benefit: Mapped[bool] = mapped_column(info=kept(DataCategory.CONSENTS, SCOPE))
    recorded_by_kind: Mapped[str] = mapped_column(
        String(10), info=not_personal("whether staff or the client recorded it")
    )
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), info=not_personal("who recorded it")
    )
    recorded_at: Mapped[datetime] = created_at(kept(DataCategory.CONSENTS, SCOPE))


class ConsentRevocation(TenantScoped, Base):
    """That a consent was revoked: when, by whom, through which channel. One per consent."""

    __tablename__ = "consent_revocations"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "consent_id"], ["consents.tenant_id", "consents.id"]),
        # Named here: the convention's name would pass PostgreSQL's 63 characters.
        ForeignKeyConstraint(
            ["tenant_id", "consent_id", "grantee_organisation_id"],
            ["consents.tenant_id", "consents.id", "consents.grantee_organisation_id"],
            name="fk_consent_revocations_consent_grantee",
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    consent_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    grantee_organisation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    """The consent's grantee, on the row, for row-level security without a subquery
    (service/tenants/reach.py); NULL where the consent is to no partner (a deputy's). The
    foreign key checks it only where it is set: revoke_consent copies it from the consent, and
    a revocation missing it would hide the revocation from the partner, who would then read the
    consent as still given — tests/tenants/test_reach.py compares every row with its consent."""
    revoked_at: Mapped[datetime] = created_at(kept(DataCategory.CONSENTS, SCOPE))
    revoked_by_kind: Mapped[str] = mapped_column(
        String(10), info=not_personal("whether staff or the client revoked it")
    )
    revoked_by_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), info=not_personal("who revoked it")
    )
    channel: Mapped[str] = mapped_column(String(20), info=kept(DataCategory.CONSENTS, SCOPE))
    note: Mapped[str | None] = mapped_column(Text, info=free_text(DataCategory.CONSENTS))
