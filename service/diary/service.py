"""The case manager's diary on a case: notes (Historienvermerke), appointments (Termine) and
follow-ups (Wiedervorlagen). Every step is `case:work` (policies.polar: the responsible case
manager, or a deputy under the client's active deputy consent), takes a `Caller` and keyword
arguments, applies the rules and flushes; the mutation's savepoint and the request's unit of
work do the rest.

Open for the diary: an admitted case, and a closed one during its after-care. After-care is
contact work (domain/001: nachgehende Betreuung "z.B. durch Krisenintervention,
Netzwerknutzung"): a call to note, a check-in to plan, a day to come back. Before admission
(a proposal) and after the after-care the case takes nothing new (INVALID_STATE).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.caller import Caller
from service.cases import rules
from service.cases.models import Case, CaseStatus
from service.cases.rules import in_aftercare, required_text
from service.cases.service import OnCase, case_for, touched
from service.diary.models import Appointment, CaseNote, FollowUp
from service.diary.vocabulary import (
    APPOINTMENT_NOTE_LIMIT,
    FOLLOW_UP_REASON_LIMIT,
    LONGEST_APPOINTMENT_HOURS,
    NOTE_SUBJECT_LIMIT,
    NOTE_TEXT_LIMIT,
    PLACE_LIMIT,
    PLANNING_HORIZON_DAYS,
    STATUS_REASON_LIMIT,
    AppointmentKind,
    AppointmentStatus,
    NoteKind,
)
from service.errors import InvalidTransition, UserError, ValidationFailed, found
from service.moments import JOBCENTER_TIMEZONE
from service.partners.service import network_membership
from service.policy.actions import Action
from service.policy.facts import Access

ALREADY_CORRECTED = UserError(
    "correctsId",
    "ALREADY_CORRECTED",
    "this note has been corrected already; correct the correction",
    "dieser Vermerk wurde bereits berichtigt; bitte die Berichtigung berichtigen",
)


def diary_open(case: Case, today: date) -> bool:
    return case.status == CaseStatus.ADMITTED or in_aftercare(case, today)


def require_diary_open(case: Case, today: date) -> None:
    if not diary_open(case, today):
        raise InvalidTransition(
            "the case takes no notes, appointments or follow-ups: it is not admitted, or closed "
            "and out of after-care",
            "der Fall nimmt keine Vermerke, Termine oder Wiedervorlagen an: er ist nicht "
            "aufgenommen oder abgeschlossen und nicht in der Nachbetreuung",
        )


async def _open_case(caller: Caller, case_id: uuid.UUID, *, seen: Action) -> tuple[Case, Access]:
    case, access = await case_for(caller, case_id, Action.CASE_WORK, seen=seen)
    require_diary_open(case, caller.today)
    return case, access


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), JOBCENTER_TIMEZONE)


# --- reads


async def get_diary(caller: Caller, *, case_id: uuid.UUID) -> tuple[Case, Access]:
    """The case whose diary is read; each list is then guarded by its category."""
    return await case_for(caller, case_id, Action.CASE_READ)


@dataclass(frozen=True, slots=True)
class NotePage:
    notes: list[CaseNote]  # newest first
    corrected_by: dict[uuid.UUID, uuid.UUID]  # note id → the note that corrects it
    has_next_page: bool


async def notes_page(
    caller: Caller, *, case_id: uuid.UUID, first: int, after: tuple[datetime, uuid.UUID] | None
) -> NotePage:
    """A case's notes, newest first (the Kundenhistorie reads backwards), corrected ones
    included: the record is kept."""
    query = select(CaseNote).where(CaseNote.case_id == case_id)
    if after is not None:
        stamp, row_id = after
        query = query.where(
            (CaseNote.created_at < stamp)
            | ((CaseNote.created_at == stamp) & (CaseNote.id < row_id))
        )
    rows = list(
        await caller.session.scalars(
            query.order_by(CaseNote.created_at.desc(), CaseNote.id.desc()).limit(first + 1)
        )
    )
    page = rows[:first]
    corrections = await caller.session.execute(
        select(CaseNote.corrects_id, CaseNote.id).where(
            CaseNote.corrects_id.in_([note.id for note in page])
        )
    )
    return NotePage(page, {corrected: by for corrected, by in corrections}, len(rows) > first)


# --- notes (Historienvermerke)


async def add_note(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    kind: NoteKind,
    noted_on: date,
    subject: str,
    text: str,
    corrects_id: uuid.UUID | None = None,
) -> OnCase[CaseNote]:
    """A dated note; with `corrects_id`, the correction of an earlier note of the case, which
    stays as it was (a record of what was noted when, never rewritten)."""
    case, access = await _open_case(caller, case_id, seen=Action.CASE_READ)
    if noted_on > caller.today:
        raise ValidationFailed(
            "notedOn", "must not lie in the future", "darf nicht in der Zukunft liegen"
        )
    if noted_on < case.created_at.astimezone(JOBCENTER_TIMEZONE).date():
        raise ValidationFailed(
            "notedOn", "lies before the case began", "liegt vor dem Beginn des Falls"
        )
    note = CaseNote(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        kind=kind,
        noted_on=noted_on,
        subject=required_text(subject, field="subject", limit=NOTE_SUBJECT_LIMIT),
        text=required_text(text, field="text", limit=NOTE_TEXT_LIMIT),
        corrects_id=await _correctable(caller, case, corrects_id),
        author_id=caller.actor.user_id,
    )
    await _insert_note(caller, note)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, note)


async def _correctable(caller: Caller, case: Case, note_id: uuid.UUID | None) -> uuid.UUID | None:
    """The note to correct: one of this case's. Any other id — another case's note, a random
    one — gets the same answer on the field."""
    if note_id is None:
        return None
    corrected = await caller.session.scalar(
        select(CaseNote.id).where(CaseNote.id == note_id, CaseNote.case_id == case.id)
    )
    if corrected is None:
        raise ValidationFailed("correctsId", "no note of this case", "kein Vermerk dieses Falls")
    return corrected


async def _insert_note(caller: Caller, note: CaseNote) -> None:
    """In a savepoint: the unique index (one correction per note) is the rule that holds when
    two corrections race; its violation is the caller's to resolve, not a fault."""
    try:
        async with caller.session.begin_nested():
            caller.session.add(note)
            await caller.session.flush()
    except IntegrityError as error:
        if "uq_case_notes_corrected_once" in str(error.orig):
            raise ALREADY_CORRECTED from None
        raise


# --- appointments (Termine)


async def plan_appointment(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    kind: AppointmentKind,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    partner_organisation_id: uuid.UUID | None = None,
    internal_note: str | None = None,
) -> OnCase[Appointment]:
    """An appointment with the client; a joint one names the network partner who comes."""
    case, access = await _open_case(caller, case_id, seen=Action.CASE_READ)
    _check_times(caller, starts_at, ends_at)
    if (kind is AppointmentKind.WITH_PARTNER) != (partner_organisation_id is not None):
        raise ValidationFailed(
            "partnerOrganisationId",
            "a joint appointment names its partner, and only a joint one does",
            "ein gemeinsamer Termin nennt seinen Partner, und nur ein gemeinsamer",
        )
    if partner_organisation_id is not None:
        await network_membership(caller.session, partner_organisation_id)
    appointment = Appointment(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=required_text(place, field="place", limit=PLACE_LIMIT),
        partner_organisation_id=partner_organisation_id,
        internal_note=rules.text(
            internal_note, field="internalNote", limit=APPOINTMENT_NOTE_LIMIT, optional=True
        ),
        status=AppointmentStatus.PLANNED,
        created_by_id=caller.actor.user_id,
    )
    caller.session.add(appointment)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, appointment)


def _check_times(caller: Caller, starts_at: datetime, ends_at: datetime) -> None:
    # A contact that already happened is a note; the diary plans from today on.
    if starts_at < _start_of(caller.today):
        raise ValidationFailed(
            "startsAt", "must not lie before today", "darf nicht vor dem heutigen Tag liegen"
        )
    if starts_at > caller.now + timedelta(days=PLANNING_HORIZON_DAYS):
        raise ValidationFailed("startsAt", "at most a year ahead", "höchstens ein Jahr im Voraus")
    if not starts_at < ends_at <= starts_at + timedelta(hours=LONGEST_APPOINTMENT_HOURS):
        raise ValidationFailed(
            "endsAt",
            f"after the start, at most {LONGEST_APPOINTMENT_HOURS} hours later",
            f"nach dem Beginn, höchstens {LONGEST_APPOINTMENT_HOURS} Stunden später",
        )


async def record_appointment_status(
    caller: Caller,
    *,
    appointment_id: uuid.UUID,
    status: AppointmentStatus,
    reason: str | None = None,
) -> OnCase[Appointment]:
    """Held, missed or cancelled, once. A missed appointment needs its reason: whether the
    client had an important reason decides what follows (§ 32 SGB II, Meldeversäumnis)."""
    appointment = found(
        await caller.session.scalar(select(Appointment).where(Appointment.id == appointment_id))
    )
    case, access = await _open_case(caller, appointment.case_id, seen=Action.CASE_WORK)
    if appointment.status != AppointmentStatus.PLANNED:
        raise InvalidTransition(
            "the appointment's outcome is recorded already",
            "der Ausgang des Termins ist bereits erfasst",
        )
    if status is AppointmentStatus.PLANNED:
        raise ValidationFailed(
            "status", "held, missed or cancelled", "wahrgenommen, versäumt oder abgesagt"
        )
    if status in (AppointmentStatus.HELD, AppointmentStatus.MISSED) and (
        appointment.starts_at > caller.now
    ):
        raise InvalidTransition(
            "the appointment has not begun yet", "der Termin hat noch nicht begonnen"
        )
    appointment.status_reason = rules.text(
        reason,
        field="reason",
        limit=STATUS_REASON_LIMIT,
        optional=status is not AppointmentStatus.MISSED,
    )
    appointment.status = status
    appointment.status_recorded_at = caller.now
    appointment.status_recorded_by_id = caller.actor.user_id
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, appointment)


# --- follow-ups (Wiedervorlagen)


async def add_follow_up(
    caller: Caller, *, case_id: uuid.UUID, due_on: date, reason: str
) -> OnCase[FollowUp]:
    case, access = await _open_case(caller, case_id, seen=Action.CASE_READ)
    if due_on < caller.today:
        raise ValidationFailed(
            "dueOn", "must not lie in the past", "darf nicht in der Vergangenheit liegen"
        )
    if due_on > caller.today + timedelta(days=PLANNING_HORIZON_DAYS):
        raise ValidationFailed("dueOn", "at most a year ahead", "höchstens ein Jahr im Voraus")
    follow_up = FollowUp(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        due_on=due_on,
        reason=required_text(reason, field="reason", limit=FOLLOW_UP_REASON_LIMIT),
        created_by_id=caller.actor.user_id,
    )
    caller.session.add(follow_up)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, follow_up)


async def complete_follow_up(caller: Caller, *, follow_up_id: uuid.UUID) -> OnCase[FollowUp]:
    follow_up = found(
        await caller.session.scalar(select(FollowUp).where(FollowUp.id == follow_up_id))
    )
    case, access = await _open_case(caller, follow_up.case_id, seen=Action.CASE_WORK)
    if follow_up.done_on is not None:
        raise InvalidTransition(
            "the follow-up is done already", "die Wiedervorlage ist bereits erledigt"
        )
    follow_up.done_on = caller.today
    follow_up.done_by_id = caller.actor.user_id
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, follow_up)
