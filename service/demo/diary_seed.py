"""The demo case manager's diary (fictional): on Michael Modemann's case a few
Historienvermerke (one corrected), a joint appointment with the debt counselling in two days
and one held last week, and two follow-ups — one due today, one overdue — so that
`fm.koenigstein`'s `dueList` has something on it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from service.diary.models import Appointment, CaseNote, FollowUp
from service.moments import JOBCENTER_TIMEZONE

JOBCENTER = "jc-hamburg-mitte"
CASE_MANAGER = "fm.koenigstein"
CLIENT = "kunde.modemann"
DEBT_COUNSELLING = "schuldnerberatung-west"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), JOBCENTER_TIMEZONE)


async def seed_diary(
    session: AsyncSession, demo_id: Callable[..., uuid.UUID], today: date | None = None
) -> None:
    """`demo_id` is seed.demo_id; the session is bound to jc-hamburg-mitte by the caller."""
    today = today or datetime.now(JOBCENTER_TIMEZONE).date()
    tenant, case_id = demo_id(JOBCENTER), demo_id(JOBCENTER, CLIENT, "case")
    author = demo_id(JOBCENTER, CASE_MANAGER)

    def row_id(*parts: str) -> uuid.UUID:
        return demo_id(JOBCENTER, CLIENT, "diary", *parts)

    def note(key: str, kind: str, days_ago: int, subject: str, text: str, corrects=None):
        return CaseNote(
            tenant_id=tenant,
            id=row_id("note", key),
            case_id=case_id,
            kind=kind,
            noted_on=today - timedelta(days=days_ago),
            subject=subject,
            text=text,
            corrects_id=corrects,
            author_id=author,
        )

    session.add_all(
        [
            note("1", "phone", 9, "Rückruf Vermieterin", "Vermieterin stimmt Ratenzahlung zu."),
            note(
                "2",
                "in_person",
                7,
                "Beratungsgespräch",
                "Unterlagen für die Schuldnerberatung besprochen; Termin dort am 12. vereinbart.",
            ),
        ]
    )
    await session.flush()
    held = today - timedelta(days=7)
    in_two_days = today + timedelta(days=2)
    session.add_all(
        [
            note(
                "3",
                "note",
                6,
                "Berichtigung",
                "Der Termin bei der Schuldnerberatung ist am 14., nicht am 12.",
                corrects=row_id("note", "2"),
            ),
            Appointment(
                tenant_id=tenant,
                id=row_id("appointment", "held"),
                case_id=case_id,
                kind="consultation",
                starts_at=_at(held, 10),
                ends_at=_at(held, 11),
                place="Jobcenter Hamburg-Mitte, Raum 2.07",
                status="held",
                status_recorded_at=_at(held, 11),
                status_recorded_by_id=author,
                created_by_id=author,
            ),
            Appointment(
                tenant_id=tenant,
                id=row_id("appointment", "joint"),
                case_id=case_id,
                kind="with_partner",
                starts_at=_at(in_two_days, 14),
                ends_at=_at(in_two_days, 15),
                place="Schuldnerberatung West, Beratungsraum 1",
                partner_organisation_id=demo_id(DEBT_COUNSELLING),
                internal_note="Gläubigerliste mitbringen lassen.",
                status="planned",
                created_by_id=author,
            ),
            FollowUp(
                tenant_id=tenant,
                id=row_id("follow-up", "today"),
                case_id=case_id,
                due_on=today,
                reason="Rückmeldung der Vermieterin zur Ratenzahlung prüfen",
                created_by_id=author,
            ),
            FollowUp(
                tenant_id=tenant,
                id=row_id("follow-up", "overdue"),
                case_id=case_id,
                due_on=today - timedelta(days=2),
                reason="Nachweis Suchtberatung anfordern",
                created_by_id=author,
            ),
        ]
    )
    await session.flush()
