"""Inputs of the diary's mutations (limits checked in service/diary/service.py)."""

from __future__ import annotations

import datetime

import strawberry

from service.schema.diary import enums


@strawberry.input(
    description="Ein Historienvermerk; mit correctsId die Berichtigung eines Vermerks."
)
class AddCaseNoteInput:
    case_id: strawberry.ID
    kind: enums.NoteKind
    noted_on: datetime.date = strawberry.field(description="Day of the contact; not in the future.")
    subject: str = strawberry.field(description="At most 200 characters.")
    text: str = strawberry.field(description="At most 4000 characters.")
    corrects_id: strawberry.ID | None = strawberry.field(
        default=None, description="The note of this case that this one corrects (once)."
    )


@strawberry.input(description="Ein Termin; WITH_PARTNER nennt den Netzwerkpartner.")
class PlanAppointmentInput:
    case_id: strawberry.ID
    kind: enums.AppointmentKind
    starts_at: datetime.datetime = strawberry.field(
        description="With its offset; from today, at most a year ahead."
    )
    ends_at: datetime.datetime = strawberry.field(description="After the start, ≤ 12 hours.")
    place: str = strawberry.field(description="At most 200 characters.")
    partner_organisation_id: strawberry.ID | None = None
    internal_note: str | None = strawberry.field(
        default=None, description="Internal; the client does not read it. ≤ 1000 characters."
    )


@strawberry.input(description="Ausgang eines Termins: wahrgenommen, versäumt, abgesagt.")
class RecordAppointmentStatusInput:
    appointment_id: strawberry.ID
    status: enums.AppointmentStatus
    reason: str | None = strawberry.field(
        default=None, description="Required for MISSED; at most 500 characters."
    )


@strawberry.input(description="Eine Wiedervorlage.")
class AddFollowUpInput:
    case_id: strawberry.ID
    due_on: datetime.date = strawberry.field(description="From today, at most a year ahead.")
    reason: str = strawberry.field(description="At most 200 characters.")
