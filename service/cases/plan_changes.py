"""The plan that changes (Fortschreibung): edit, re-date and withdraw a goal, sub-goal or
activity, and correct an outcome — each with its reason, each keeping the item as it stood.

domain/004: the plan "muss sich im Zeitverlauf an Veränderungen der Gegebenheiten anpassen", its
goals "zeitlich überprüfbar". A plan item holds what is agreed now; every change first writes
the item as it was into `plan_item_revisions` (never edited), so the earlier text, date and
outcome and the reason they changed stay readable with the item.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from service.caller import Caller
from service.cases.models import PlanItem, PlanItemRevision
from service.cases.rules import require_admitted, required_text, text
from service.cases.service import OnCase, touched
from service.cases.vocabulary import (
    CHANGE_REASON_LIMIT,
    LONG_TEXT_LIMIT,
    TITLE_LIMIT,
    Outcome,
    PlanChange,
    PlanItemKind,
    ResponsibleParty,
)
from service.cases.work import plan_item_for, require_current
from service.errors import InvalidTransition, UserError, ValidationFailed
from service.partners.service import network_membership

NOTHING_CHANGES = UserError(
    None, "VALIDATION", "the change changes nothing", "die Änderung ändert nichts"
)


async def edit_plan_item(
    caller: Caller,
    *,
    item_id: uuid.UUID,
    reason: str,
    title: str | None = None,
    resources: str | None = None,
    responsible: ResponsibleParty | None = None,
    partner_organisation_id: uuid.UUID | None = None,
) -> OnCase[PlanItem]:
    """New wording, resources (goals; a blank text clears them) or responsible party
    (activities); what is left out (None) stays."""
    item, on_case = await _current_item(caller, item_id)
    why = _reason(reason)
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = required_text(title, field="title", limit=TITLE_LIMIT)
    if resources is not None:
        _only_on(item, PlanItemKind.GOAL, field="resources")
        changes["resources"] = text(
            resources, field="resources", limit=LONG_TEXT_LIMIT, optional=True
        )
    if responsible is not None or partner_organisation_id is not None:
        _only_on(item, PlanItemKind.ACTIVITY, field="responsible")
        changes |= await _responsibility(caller, responsible, partner_organisation_id)
    changes = {key: value for key, value in changes.items() if getattr(item, key) != value}
    if not changes:
        raise NOTHING_CHANGES
    _revise(caller, item, PlanChange.EDITED, why)
    for key, value in changes.items():
        setattr(item, key, value)
    return await _changed(caller, on_case)


async def redate_plan_item(
    caller: Caller, *, item_id: uuid.UUID, target_date: date, reason: str
) -> OnCase[PlanItem]:
    """A new target date, for a goal too (one it had or not)."""
    item, on_case = await _current_item(caller, item_id)
    why = _reason(reason)
    if target_date < caller.today:
        raise ValidationFailed(
            "targetDate", "must not lie in the past", "darf nicht in der Vergangenheit liegen"
        )
    if target_date == item.target_date:
        raise NOTHING_CHANGES
    _revise(caller, item, PlanChange.REDATED, why)
    item.target_date = target_date
    return await _changed(caller, on_case)


async def withdraw_plan_item(
    caller: Caller, *, item_id: uuid.UUID, reason: str
) -> OnCase[PlanItem]:
    """Take an item out of the plan, and with a goal or sub-goal what is open under it. What
    has an outcome happened and stays; it is corrected, not withdrawn."""
    item, on_case = await _current_item(caller, item_id)
    why = _reason(reason)
    if item.outcome is not None:
        raise InvalidTransition(
            "a plan item with an outcome is corrected, not withdrawn",
            "ein Eintrag mit Ergebnis wird berichtigt, nicht zurückgenommen",
        )
    for row in [item, *await _open_under(caller, item)]:
        _revise(caller, row, PlanChange.WITHDRAWN, why)
        row.withdrawn_on = caller.today
    return await _changed(caller, on_case)


async def correct_outcome(
    caller: Caller,
    *,
    item_id: uuid.UUID,
    outcome: Outcome,
    on: date,
    reason: str,
    outcome_reason: str | None = None,
) -> OnCase[PlanItem]:
    """Fallsteuerung corrected: the recorded outcome replaced, the earlier one kept with why."""
    item, on_case = await _current_item(caller, item_id)
    why = _reason(reason)
    if item.outcome is None:
        raise InvalidTransition(
            "no outcome has been recorded yet", "es ist noch kein Ergebnis erfasst"
        )
    if on > caller.today:
        raise ValidationFailed(
            "on", "must not lie in the future", "darf nicht in der Zukunft liegen"
        )
    new_reason = text(
        outcome_reason,
        field="outcomeReason",
        limit=LONG_TEXT_LIMIT,
        optional=outcome is Outcome.ACHIEVED,
    )
    if (item.outcome, item.outcome_on, item.outcome_reason) == (outcome, on, new_reason):
        raise NOTHING_CHANGES
    _revise(caller, item, PlanChange.OUTCOME_CORRECTED, why)
    item.outcome, item.outcome_on, item.outcome_reason = outcome, on, new_reason
    return await _changed(caller, on_case)


async def _current_item(caller: Caller, item_id: uuid.UUID) -> tuple[PlanItem, OnCase[PlanItem]]:
    item, case, access = await plan_item_for(
        caller, item_id, field="itemId", kinds=set(PlanItemKind)
    )
    require_admitted(case)
    require_current(item)
    return item, OnCase(case, access, item)


def _reason(reason: str) -> str:
    return required_text(reason, field="reason", limit=CHANGE_REASON_LIMIT)


def _only_on(item: PlanItem, kind: PlanItemKind, *, field: str) -> None:
    if item.kind != kind:
        raise ValidationFailed(
            field, f"only a {kind} has this", "nur bei dieser Art von Eintrag möglich"
        )


async def _responsibility(
    caller: Caller, responsible: ResponsibleParty | None, partner_id: uuid.UUID | None
) -> dict[str, object]:
    if responsible is None or (responsible is ResponsibleParty.NETWORK_PARTNER) != (
        partner_id is not None
    ):
        raise ValidationFailed(
            "partnerOrganisationId",
            "name the network partner exactly when it is responsible",
            "Netzwerkpartner genau dann angeben, wenn er verantwortlich ist",
        )
    if partner_id is not None:
        await network_membership(caller.session, partner_id)
    return {"responsible": str(responsible), "partner_organisation_id": partner_id}


async def _open_under(caller: Caller, item: PlanItem) -> list[PlanItem]:
    """The current items without an outcome below a goal or sub-goal."""
    if item.kind == PlanItemKind.ACTIVITY:
        return []
    parent = PlanItem.goal_id if item.kind == PlanItemKind.GOAL else PlanItem.sub_goal_id
    rows = await caller.session.scalars(
        select(PlanItem).where(
            PlanItem.case_id == item.case_id,
            parent == item.id,
            PlanItem.withdrawn_on.is_(None),
            PlanItem.outcome.is_(None),
        )
    )
    return list(rows)


def _revise(caller: Caller, item: PlanItem, change: PlanChange, reason: str) -> None:
    caller.session.add(
        PlanItemRevision(
            tenant_id=item.tenant_id,
            case_id=item.case_id,
            plan_item_id=item.id,
            change=str(change),
            reason=reason,
            title=item.title,
            resources=item.resources,
            target_date=item.target_date,
            responsible=item.responsible,
            partner_organisation_id=item.partner_organisation_id,
            outcome=item.outcome,
            outcome_on=item.outcome_on,
            outcome_reason=item.outcome_reason,
            changed_by_id=caller.actor.user_id,
            changed_at=caller.now,
        )
    )


async def _changed(caller: Caller, on_case: OnCase[PlanItem]) -> OnCase[PlanItem]:
    touched(on_case.case)
    await caller.session.flush()
    return on_case
