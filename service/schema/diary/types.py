"""The diary in the API: a case's notes (Historienvermerke), appointments (Termine) and
follow-ups (Wiedervorlagen), and the entries of the due list.

Notes and follow-ups are the case manager's working space (case_notes, the protected area:
the responsible case manager, a deputy under consent, never a team lead or placement officer,
a partner only under a consent naming that category). Appointments are `appointments`: the
client reads their own — when, where, what kind, whether held — but not the internal note or
the reason recorded for a missed one, which are case_notes.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from service.cases.models import Case
from service.diary import service
from service.diary import vocabulary as words
from service.diary.models import Appointment, CaseNote, FollowUp
from service.paging import decode_cursor, page_size
from service.policy.categories import DataCategory
from service.policy.facts import Access
from service.policy.guard import GuardTag, personal_field, personal_type, public_type
from service.schema.cases.common import StaffMember, staff_member, tag, today
from service.schema.cases.types import CaseNode, case_node
from service.schema.context import Info
from service.schema.dataloaders import StaffByIdLoader
from service.schema.diary import enums
from service.schema.diary.dataloaders import AppointmentsByCaseLoader, FollowUpsByCaseLoader
from service.schema.pagination import Connection, connection
from service.schema.partners.types import NetworkPartner, network_partner_of

NOTES = DataCategory.CASE_NOTES
APPOINTMENTS = DataCategory.APPOINTMENTS


def _id(value: uuid.UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


@personal_type(name="CaseNote", description="Historienvermerk: ein datierter Vermerk zum Fall.")
class CaseNoteNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[CaseNote]
    corrected_by: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(NOTES)
    def kind(self) -> enums.NoteKind | None:
        return words.NoteKind(self.row.kind)

    @personal_field(NOTES, description="The day of the contact or decision noted.")
    def noted_on(self) -> date | None:
        return self.row.noted_on

    @personal_field(NOTES, description="At most 200 characters.")
    def subject(self) -> str | None:
        return self.row.subject

    @personal_field(NOTES, description="At most 4000 characters.")
    def text(self) -> str | None:
        return self.row.text

    @personal_field(NOTES)
    async def author(self, info: Info) -> StaffMember | None:
        return staff_member(await info.context.loader(StaffByIdLoader).load(self.row.author_id))

    @personal_field(NOTES, description="When the note was written (never changed after).")
    def written_at(self) -> datetime | None:
        return self.row.created_at

    @personal_field(NOTES, description="The note this one corrects, if it is a correction.")
    def corrects_id(self) -> strawberry.ID | None:
        return _id(self.row.corrects_id)

    @personal_field(NOTES, description="The note that corrects this one; it stays as it was.")
    def corrected_by_id(self) -> strawberry.ID | None:
        return _id(self.corrected_by)


@personal_type(name="Appointment", description="Termin mit der Kundin / dem Kunden.")
class AppointmentNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[Appointment]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(APPOINTMENTS)
    def kind(self) -> enums.AppointmentKind | None:
        return words.AppointmentKind(self.row.kind)

    @personal_field(APPOINTMENTS)
    def starts_at(self) -> datetime | None:
        return self.row.starts_at

    @personal_field(APPOINTMENTS)
    def ends_at(self) -> datetime | None:
        return self.row.ends_at

    @personal_field(APPOINTMENTS, description="Where: a room of the jobcenter, a partner, home.")
    def place(self) -> str | None:
        return self.row.place

    @personal_field(APPOINTMENTS, description="The network partner of a joint appointment.")
    async def partner(self, info: Info) -> NetworkPartner | None:
        row = self.row
        return await network_partner_of(info, row.tenant_id, row.partner_organisation_id)

    @personal_field(APPOINTMENTS)
    def status(self) -> enums.AppointmentStatus | None:
        return words.AppointmentStatus(self.row.status)

    @personal_field(APPOINTMENTS, description="When the outcome was recorded.")
    def status_recorded_at(self) -> datetime | None:
        return self.row.status_recorded_at

    @personal_field(NOTES, description="Why it was missed or cancelled (internal).")
    def status_reason(self) -> str | None:
        return self.row.status_reason

    @personal_field(NOTES, description="The case manager's preparation note (internal).")
    def internal_note(self) -> str | None:
        return self.row.internal_note

    @personal_field(NOTES)
    async def created_by(self, info: Info) -> StaffMember | None:
        return staff_member(await info.context.loader(StaffByIdLoader).load(self.row.created_by_id))


@personal_type(name="FollowUp", description="Wiedervorlage: ein Tag, an dem der Fall ansteht.")
class FollowUpNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[FollowUp]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(NOTES)
    def due_on(self) -> date | None:
        return self.row.due_on

    @personal_field(NOTES, description="At most 200 characters.")
    def reason(self) -> str | None:
        return self.row.reason

    @personal_field(NOTES)
    def done(self) -> bool | None:
        return self.row.done_on is not None

    @personal_field(NOTES, description="Not done, and its day has passed.")
    def overdue(self, info: Info) -> bool | None:
        return self.row.done_on is None and self.row.due_on < today(info)

    @personal_field(NOTES)
    def done_on(self) -> date | None:
        return self.row.done_on

    @personal_field(NOTES)
    async def done_by(self, info: Info) -> StaffMember | None:
        if self.row.done_by_id is None:
            return None
        return staff_member(await info.context.loader(StaffByIdLoader).load(self.row.done_by_id))

    @personal_field(NOTES)
    async def created_by(self, info: Info) -> StaffMember | None:
        return staff_member(await info.context.loader(StaffByIdLoader).load(self.row.created_by_id))


def note_node(
    case: Case, access: Access, row: CaseNote, corrected_by: uuid.UUID | None = None
) -> CaseNoteNode:
    return CaseNoteNode(
        guard=tag(case, access, "case_note", row.id), row=row, corrected_by=corrected_by
    )


def appointment_node(case: Case, access: Access, row: Appointment) -> AppointmentNode:
    return AppointmentNode(guard=tag(case, access, "appointment", row.id), row=row)


def follow_up_node(case: Case, access: Access, row: FollowUp) -> FollowUpNode:
    return FollowUpNode(guard=tag(case, access, "follow_up", row.id), row=row)


@personal_type(
    name="CaseDiary",
    description="Historienvermerke, Termine und Wiedervorlagen eines Falls; jede Liste unter "
    "ihrer Datenkategorie.",
)
class CaseDiaryNode:
    guard: strawberry.Private[GuardTag]
    case_row: strawberry.Private[Case]

    @strawberry.field(description="The case; its version is what a change's expectedVersion is.")
    def case(self) -> CaseNode:
        return case_node(self.case_row, self.guard.access)

    @personal_field(NOTES, description="Newest first, corrected notes included.")
    async def notes(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CaseNoteNode] | None:
        page = await service.notes_page(
            info.context.caller(),
            case_id=self.case_row.id,
            first=page_size(first),
            after=decode_cursor(after),
        )
        rows = [*page.notes, *([None] if page.has_next_page else [])]
        return connection(
            rows,
            len(page.notes),
            after=after,
            key=lambda row: (row.created_at, row.id),
            node=lambda row: note_node(
                self.case_row, self.guard.access, row, page.corrected_by.get(row.id)
            ),
        )

    @personal_field(APPOINTMENTS, description="By their start.")
    async def appointments(self, info: Info) -> list[AppointmentNode] | None:
        rows = await info.context.loader(AppointmentsByCaseLoader).load(self.case_row.id)
        return [appointment_node(self.case_row, self.guard.access, row) for row in rows]

    @personal_field(NOTES, description="By their day; `openOnly: true`: only those not done.")
    async def follow_ups(self, info: Info, open_only: bool = False) -> list[FollowUpNode] | None:
        rows = await info.context.loader(FollowUpsByCaseLoader).load(self.case_row.id)
        return [
            follow_up_node(self.case_row, self.guard.access, row)
            for row in rows
            if not (open_only and row.done_on is not None)
        ]


def diary_node(case: Case, access: Access) -> CaseDiaryNode:
    return CaseDiaryNode(guard=tag(case, access, "case_diary", case.id), case_row=case)


@public_type(
    "a wrapper: its case, follow-up and appointment are guarded themselves",
    name="DueItem",
    description="Ein Eintrag der Fälligkeitsliste: eine fällige Wiedervorlage oder ein Termin.",
)
class DueItem:
    case: CaseNode
    follow_up: FollowUpNode | None
    appointment: AppointmentNode | None
