from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, row_id, tenant_key, uuid_pk
from service.policy.categories import DataCategory
from service.policy.data_map import (
    CODE,
    DATE,
    WRITTEN_AT,
    free_text,
    identifying,
    kept,
    not_personal,
)


class ReferralStatus(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABORTED = "aborted"
    NO_SHOW = "no_show"  # client did not appear


# Where a referral ends. Its purpose is then over, and with it the partner's reading of the
# client's data (§ 78 SGB X); the status transitions (service.py) lead out of the open ones only.
FINAL_STATUSES = frozenset(
    {
        ReferralStatus.DECLINED,
        ReferralStatus.COMPLETED,
        ReferralStatus.ABORTED,
        ReferralStatus.NO_SHOW,
    }
)
OPEN_STATUSES = frozenset(ReferralStatus) - FINAL_STATUSES


class Attendance(StrEnum):
    ATTENDED = "attended"
    EXCUSED = "excused"
    MISSED = "missed"


def _referral_partner_fk(table: str) -> ForeignKeyConstraint:
    # Named here: the convention's name would pass PostgreSQL's 63 characters.
    return ForeignKeyConstraint(
        ["tenant_id", "referral_id", "partner_organisation_id"],
        ["referrals.tenant_id", "referrals.id", "referrals.partner_organisation_id"],
        name=f"fk_{table}_referral_partner",
    )


def referral_partner() -> Mapped[uuid.UUID]:
    """The referral's organisation, on the row, for row-level security without a subquery
    (service/tenants/reach.py); the foreign key to the referral with it makes any other value
    impossible. Set on insert from the referral (service.py)."""
    return mapped_column(UUID(as_uuid=True))


class Referral(TenantScoped, Base):
    """A case manager's referral of a client to a network partner (Einschaltung Dritter)."""

    __tablename__ = "referrals"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"]),
        ForeignKeyConstraint(["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "created_by_id"], ["staff_users.tenant_id", "staff_users.id"]
        ),
        # A partner's list across jobcenters.
        Index("ix_referrals_partner_organisation_id", "partner_organisation_id", "created_at"),
        # What a status change's or report's organisation is checked against (migration 0007).
        UniqueConstraint("tenant_id", "id", "partner_organisation_id"),
        Index("ix_referrals_client_id", "client_id"),
        Index("ix_referrals_case_id", "case_id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    client_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    partner_organisation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("partner_organisations.id")
    )
    service_category: Mapped[str] = mapped_column(
        String(40), info=kept(DataCategory.REFERRAL, CODE)
    )
    purpose: Mapped[str] = mapped_column(Text, info=free_text(DataCategory.REFERRAL))
    first_report_due: Mapped[date] = mapped_column(info=kept(DataCategory.REFERRAL, DATE))
    status: Mapped[str] = mapped_column(
        String(20), server_default=text("'sent'"), info=kept(DataCategory.REFERRAL, CODE)
    )
    created_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(kept(DataCategory.REFERRAL, DATE))
    version: Mapped[int] = mapped_column(
        server_default=text("1"), info=not_personal("a counter against lost updates")
    )


class ReferralStatusChange(TenantScoped, Base):
    """Every status change of a referral: when, to what, by whom (staff or partner user)."""

    __tablename__ = "referral_status_changes"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "referral_id"], ["referrals.tenant_id", "referrals.id"]),
        _referral_partner_fk("referral_status_changes"),
        Index("ix_referral_status_changes_referral_id", "referral_id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    referral_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    partner_organisation_id: Mapped[uuid.UUID] = referral_partner()
    status: Mapped[str] = mapped_column(String(20), info=kept(DataCategory.REFERRAL, CODE))
    reason: Mapped[str | None] = mapped_column(Text, info=free_text(DataCategory.REFERRAL))
    changed_by_kind: Mapped[str] = mapped_column(
        String(10), info=not_personal("whether staff or a partner made the change")
    )
    changed_by_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        info=not_personal("the member of staff or partner user who made the change"),
    )
    changed_at: Mapped[datetime] = created_at(kept(DataCategory.REFERRAL, DATE))


class ProgressReport(TenantScoped, Base):
    """A partner's report back (Rückmeldung): its text reaches the jobcenter only under a
    consent in the direction partner → jobcenter."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "referral_id"], ["referrals.tenant_id", "referrals.id"]),
        _referral_partner_fk("progress_reports"),
        Index("ix_progress_reports_referral_id", "referral_id"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = uuid_pk()
    referral_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    partner_organisation_id: Mapped[uuid.UUID] = referral_partner()
    reported_on: Mapped[date] = mapped_column(info=kept(DataCategory.REFERRAL, DATE))
    attendance: Mapped[str] = mapped_column(String(10), info=kept(DataCategory.REFERRAL, CODE))
    status: Mapped[str] = mapped_column(String(20), info=kept(DataCategory.REFERRAL, CODE))
    text: Mapped[str] = mapped_column(Text, info=free_text(DataCategory.PROGRESS_REPORTS))
    next_appointment: Mapped[datetime | None] = mapped_column(
        info=identifying(DataCategory.PROGRESS_REPORTS)
    )
    author_organisation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), info=not_personal("the partner organisation that wrote the report")
    )
    author_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), info=not_personal("the partner user who wrote the report")
    )
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
