"""Fallabgang and after-care (nachgehende Betreuung): closing a case with its reason, the
closing talk's assessments (domain/004) and the handover back to the placement officer; then
only after-care, until its day (domain/001: "z.B. durch Krisenintervention, Netzwerknutzung").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from service.caller import Caller
from service.cases.models import AftercareNote, Case, CaseStatus
from service.cases.rules import (
    in_aftercare,
    require_admitted,
    required_text,
)
from service.cases.service import OnCase, case_for, touched
from service.cases.vocabulary import LONG_TEXT_LIMIT, ClosingReason
from service.errors import InvalidTransition, ValidationFailed
from service.identity.roles import Role
from service.policy.actions import Action
from service.referrals.service import abort_open_referrals
from service.staff.service import active_staff


@dataclass(frozen=True, slots=True)
class ClosingTalk:
    """The closing talk of domain/004: looking back on the case and ahead, with the client or
    without them (whether they took part is part of the record)."""

    retrospective: str
    prospective: str
    client_took_part: bool


async def close_case(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    reason: ClosingReason,
    reasoning: str,
    talk: ClosingTalk,
    aftercare_until: date | None = None,
    handover_to_id: uuid.UUID | None = None,
) -> OnCase[Case]:
    """Fallabgang: a closing reason of domain/001 and its reasoning, the closing talk's
    assessments; optionally after-care, and the handover back to a placement officer (who took
    the client over, who handed them over, when). The case's open referrals end with it
    (aborted, see abort_open_referrals); after-care may start new ones."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    if case.status == CaseStatus.CLOSED:
        raise InvalidTransition("the case is already closed", "der Fall ist bereits abgeschlossen")
    require_admitted(case)
    closing_reasoning = required_text(reasoning, field="reasoning", limit=LONG_TEXT_LIMIT)
    retrospective = required_text(talk.retrospective, field="retrospective", limit=LONG_TEXT_LIMIT)
    prospective = required_text(talk.prospective, field="prospective", limit=LONG_TEXT_LIMIT)
    if aftercare_until is not None and aftercare_until < caller.today:
        raise ValidationFailed(
            "aftercareUntil", "must not lie in the past", "darf nicht in der Vergangenheit liegen"
        )
    if handover_to_id is not None:
        await active_staff(caller, handover_to_id, Role.PLACEMENT_OFFICER, field="handoverToId")
        case.handed_over_to_id = handover_to_id
        case.handed_over_by_id = caller.actor.user_id
        case.handed_over_at = caller.now
    case.status = CaseStatus.CLOSED
    case.closed_on = caller.today
    case.closing_reason = reason
    case.closing_reasoning = closing_reasoning
    case.closing_retrospective = retrospective
    case.closing_prospective = prospective
    case.client_took_part_in_closure = talk.client_took_part
    case.aftercare_until = aftercare_until
    case.next_review_due = None
    touched(case)
    await abort_open_referrals(caller, case_id=case.id)
    await caller.session.flush()
    return OnCase(case, access, case)


async def add_aftercare_note(
    caller: Caller, *, case_id: uuid.UUID, note: str
) -> OnCase[AftercareNote]:
    """The one thing a closed case still takes, and only until its after-care ends."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    if not in_aftercare(case, caller.today):
        raise InvalidTransition(
            "the case is not in after-care", "der Fall ist nicht in der Nachbetreuung"
        )
    row = AftercareNote(
        tenant_id=case.tenant_id,
        case_id=case.id,
        text=required_text(note, field="note", limit=LONG_TEXT_LIMIT),
        author_id=caller.actor.user_id,
    )
    caller.session.add(row)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, row)
