"""Input rules shared by the case services: texts with limits, and the state a step needs."""

from __future__ import annotations

from datetime import date

from service.cases.models import Case, CaseStatus
from service.errors import InvalidTransition, UserError, required, too_long


def text(value: str | None, *, field: str, limit: int, optional: bool = False) -> str | None:
    """The text stripped; a missing or blank required text, or one over `limit`, is refused."""
    stripped = (value or "").strip()
    if not stripped:
        if optional:
            return None
        raise required(field)
    if len(stripped) > limit:
        raise too_long(field, limit)
    return stripped


def required_text(value: str | None, *, field: str, limit: int) -> str:
    result = text(value, field=field, limit=limit)
    assert result is not None
    return result


def require_admitted(case: Case) -> None:
    """Work on the case (assessment, plan, reviews, documents) needs an admitted case; a closed
    case is read-only (domain/001: after closure only after-care)."""
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition(
            "the case is closed and read-only", "der Fall ist abgeschlossen und schreibgeschützt"
        )
    if case.status != CaseStatus.ADMITTED:
        raise InvalidTransition(
            "the client has not been admitted to case management",
            "die Kundin / der Kunde ist nicht ins Fallmanagement aufgenommen",
        )


def in_aftercare(case: Case, today: date) -> bool:
    """Closed, and its after-care has not ended: the case still takes notes and referrals."""
    return (
        case.status == CaseStatus.CLOSED
        and case.aftercare_until is not None
        and case.aftercare_until >= today
    )


OPEN_CASE_EXISTS = UserError(
    "clientId",
    "OPEN_CASE_EXISTS",
    "the client already has an open case in this jobcenter",
    "für die Kundin / den Kunden besteht in diesem Jobcenter bereits ein offener Fall",
)
