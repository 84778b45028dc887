"""The due list: a case manager's follow-ups due today or overdue and their appointments of
the next days, across the cases they work on, one list ordered by date.

A follow-up belongs to its case, so the list follows responsibility as it stands today: after a
team lead reassigns a case, its open follow-ups are the new case manager's, and the previous one
(who no longer reads the case) stops seeing them. A deputy sees the cases they stand in for only
while the client's deputy consent naming them is active (the policy's `case:work`).

The cases are found first (a case manager holds some 75, domain/001 Betreuungsschlüssel), the
policy asked once per situation, then one query pages the entries of those cases by
(moment, id): a constant number of queries however long the list.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import TIMESTAMP, cast, func, literal, or_, select, tuple_, union_all

from service.caller import Caller
from service.cases.access import jobcenter_access, staff_access
from service.cases.models import Case, CaseStatus
from service.clients.privacy import restricted_subjects
from service.diary.models import Appointment, FollowUp
from service.diary.service import diary_open
from service.diary.vocabulary import DUE_LIST_DAYS_LIMIT, AppointmentStatus
from service.errors import ValidationFailed
from service.moments import JOBCENTER_TIMEZONE
from service.policy.actions import Action
from service.policy.facts import Access

FOLLOW_UP, APPOINTMENT = "follow_up", "appointment"


@dataclass(frozen=True, slots=True)
class DueEntry:
    case: Case
    access: Access
    moment: datetime  # a follow-up's due day (its start, in Berlin) or an appointment's start
    follow_up: FollowUp | None = None
    appointment: Appointment | None = None

    @property
    def row_id(self) -> uuid.UUID:
        row = self.follow_up or self.appointment
        assert row is not None
        return row.id


@dataclass(frozen=True, slots=True)
class DuePage:
    entries: list[DueEntry]
    has_next_page: bool


async def due_list(
    caller: Caller, *, days: int, first: int, after: tuple[datetime, uuid.UUID] | None
) -> DuePage:
    """Open follow-ups due up to today, and planned appointments up to `days` days ahead —
    earlier ones still planned too: their outcome is yet to be recorded."""
    caller.authorizer.authorize(caller.actor, Action.DUE_LIST_READ, jobcenter_access(caller.actor))
    if not 1 <= days <= DUE_LIST_DAYS_LIMIT:
        raise ValidationFailed(
            "days",
            f"between 1 and {DUE_LIST_DAYS_LIMIT}",
            f"zwischen 1 und {DUE_LIST_DAYS_LIMIT}",
        )
    cases = await _worked_cases(caller)
    if not cases:
        return DuePage([], False)
    rows = (await caller.session.execute(_page_query(caller, cases, days, first, after))).all()
    entries = await _entries(caller, cases, rows[:first])
    return DuePage(entries, len(rows) > first)


async def _worked_cases(caller: Caller) -> dict[uuid.UUID, tuple[Case, Access]]:
    """The cases the caller works on today, open for the diary; not those of a client whose
    processing is restricted (Art. 18 GDPR: nothing is to be done with their data)."""
    me = caller.actor.user_id
    candidates = list(
        await caller.session.scalars(
            select(Case).where(
                or_(Case.responsible_case_manager_id == me, Case.deputy_case_manager_id == me),
                Case.status.in_([CaseStatus.ADMITTED, CaseStatus.CLOSED]),
            )
        )
    )
    candidates = [case for case in candidates if diary_open(case, caller.today)]
    access = await staff_access(caller.session, caller.actor, candidates, now=caller.now)
    restricted = await restricted_subjects(caller.session) if candidates else frozenset()
    return {
        case.id: (case, access[case.id])
        for case in candidates
        if case.client_id not in restricted
        and caller.authorizer.is_allowed(caller.actor, Action.CASE_WORK, access[case.id])
    }


def _page_query(caller, cases, days: int, first: int, after):
    case_ids = list(cases)
    start_of_today = datetime.combine(caller.today, datetime.min.time(), JOBCENTER_TIMEZONE)
    # The due day's first moment in Berlin, comparable with appointments' starts.
    due_moment = func.timezone(str(JOBCENTER_TIMEZONE), cast(FollowUp.due_on, TIMESTAMP))
    follow_ups = select(
        literal(FOLLOW_UP).label("kind"), FollowUp.id.label("id"), due_moment.label("moment")
    ).where(
        FollowUp.case_id.in_(case_ids),
        FollowUp.done_on.is_(None),
        FollowUp.due_on <= caller.today,
    )
    appointments = select(
        literal(APPOINTMENT).label("kind"),
        Appointment.id.label("id"),
        Appointment.starts_at.label("moment"),
    ).where(
        Appointment.case_id.in_(case_ids),
        Appointment.status == AppointmentStatus.PLANNED,
        Appointment.starts_at < start_of_today + timedelta(days=days + 1),
    )
    entries = union_all(follow_ups, appointments).subquery()
    query = select(entries.c.kind, entries.c.id, entries.c.moment)
    if after is not None:
        query = query.where(tuple_(entries.c.moment, entries.c.id) > tuple_(*after))
    return query.order_by(entries.c.moment, entries.c.id).limit(first + 1)


async def _entries(caller, cases, rows) -> list[DueEntry]:
    wanted = {FOLLOW_UP: [], APPOINTMENT: []}
    for kind, row_id, _ in rows:
        wanted[kind].append(row_id)
    follow_ups = {
        row.id: row
        for row in await caller.session.scalars(
            select(FollowUp).where(FollowUp.id.in_(wanted[FOLLOW_UP]))
        )
    }
    appointments = {
        row.id: row
        for row in await caller.session.scalars(
            select(Appointment).where(Appointment.id.in_(wanted[APPOINTMENT]))
        )
    }
    entries = []
    for kind, row_id, moment in rows:
        row = follow_ups[row_id] if kind == FOLLOW_UP else appointments[row_id]
        case, access = cases[row.case_id]
        entries.append(
            DueEntry(
                case,
                access,
                moment,
                follow_up=row if kind == FOLLOW_UP else None,
                appointment=row if kind == APPOINTMENT else None,
            )
        )
    return entries
