"""The diary's tables: notes, appointments and follow-ups, each on a case.

Notes are never edited (the record is kept, domain/000 Kundenhistorie): a correction is a new
note naming the one it corrects, and a note is corrected at most once (a unique index; correct
the correction to go on). Appointments change only their status; follow-ups only when done.
Every table leads its keys with `tenant_id` (Citus) and is confined by row-level security
(migration 0025).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String, Text, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base, TenantScoped, created_at, row_id, tenant_key
from service.policy.categories import DataCategory
from service.policy.data_map import CODE, DATE, WRITTEN_AT, free_text, kept, not_personal

NOTES = DataCategory.CASE_NOTES
APPOINTMENTS = DataCategory.APPOINTMENTS


def _case_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"])


def _staff_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["tenant_id", column], ["staff_users.tenant_id", "staff_users.id"])


def _case_index(table: str) -> Index:
    # Without the tenant, like the other case tables (migration 0016).
    return Index(f"ix_{table}_case_id", "case_id")


class CaseNote(TenantScoped, Base):
    """A Historienvermerk: a dated note on a case — a contact by its channel, a note, a
    decision — in the protected case-management area."""

    __tablename__ = "case_notes"
    __table_args__ = (
        _case_fk(),
        _staff_fk("author_id"),
        ForeignKeyConstraint(
            ["tenant_id", "corrects_id"],
            ["case_notes.tenant_id", "case_notes.id"],
            name="fk_case_notes_corrects",
        ),
        _case_index("case_notes"),
        Index(
            "uq_case_notes_corrected_once",
            "tenant_id",
            "corrects_id",
            unique=True,
            postgresql_where=text("corrects_id IS NOT NULL"),
        ),
        CheckConstraint(
            "kind IN ('in_person', 'phone', 'video', 'letter', 'email', 'note', 'decision')",
            name="kind_known",
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(20), info=kept(NOTES, CODE))
    noted_on: Mapped[date] = mapped_column(info=kept(NOTES, DATE))
    subject: Mapped[str] = mapped_column(String(200), info=free_text(NOTES))
    # varchar like the subject, not text: erasure blanks both with one bound parameter, and
    # PostgreSQL refuses to deduce it as varchar and text at once (found by the erasure test).
    text: Mapped[str] = mapped_column(String(4000), info=free_text(NOTES))
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    author_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)


class Appointment(TenantScoped, Base):
    """A Termin with the client, optionally together with a network partner."""

    __tablename__ = "appointments"
    __table_args__ = (
        _case_fk(),
        _staff_fk("created_by_id"),
        _staff_fk("status_recorded_by_id"),
        _case_index("appointments"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "kind IN ('consultation', 'plan_review', 'home_visit', 'with_partner', 'phone',"
            " 'video')",
            name="kind_known",
        ),
        CheckConstraint(
            "status IN ('planned', 'held', 'missed', 'cancelled')", name="status_known"
        ),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(20), info=kept(APPOINTMENTS, CODE))
    starts_at: Mapped[datetime] = mapped_column(info=kept(APPOINTMENTS, DATE))
    ends_at: Mapped[datetime] = mapped_column(info=kept(APPOINTMENTS, DATE))
    # A place can be the client's home (a home visit): free text about them.
    place: Mapped[str] = mapped_column(String(200), info=free_text(APPOINTMENTS))
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("partner_organisations.id")
    )
    internal_note: Mapped[str | None] = mapped_column(Text, info=free_text(NOTES))
    status: Mapped[str] = mapped_column(
        String(20), server_default=text("'planned'"), info=kept(APPOINTMENTS, CODE)
    )
    status_reason: Mapped[str | None] = mapped_column(String(500), info=free_text(NOTES))
    status_recorded_at: Mapped[datetime | None] = mapped_column(
        info=not_personal("when the status was recorded")
    )
    status_recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)


class FollowUp(TenantScoped, Base):
    """A Wiedervorlage: a day to come back to the case, with a short reason. It is the case's,
    not a person's: it is due to whoever is responsible for the case on that day, so it moves
    with the case when the team lead reassigns it (service/diary/due_list.py)."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        _case_fk(),
        _staff_fk("created_by_id"),
        _staff_fk("done_by_id"),
        _case_index("follow_ups"),
    )

    tenant_id: Mapped[uuid.UUID] = tenant_key()
    id: Mapped[uuid.UUID] = row_id()
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    due_on: Mapped[date] = mapped_column(info=kept(NOTES, DATE))
    reason: Mapped[str] = mapped_column(String(200), info=free_text(NOTES))
    done_on: Mapped[date | None] = mapped_column(info=kept(NOTES, DATE))
    done_by_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_by_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    created_at: Mapped[datetime] = created_at(WRITTEN_AT)
