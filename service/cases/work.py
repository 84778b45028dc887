"""The work inside an admitted case: assessment entries, the integration plan with steering
outcomes, and integration agreements built from the plan."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from service.caller import Caller
from service.cases.models import AssessmentEntry, Case, IntegrationAgreement, PlanItem
from service.cases.rules import require_admitted, required_text, text
from service.cases.service import OnCase, case_for, touched
from service.cases.vocabulary import (
    LONG_TEXT_LIMIT,
    SUBCATEGORIES,
    SUBJECT_LIMIT,
    TITLE_LIMIT,
    AssessmentKind,
    AssessmentSubcategory,
    Outcome,
    PlanItemKind,
    ResponsibleParty,
)
from service.errors import InvalidTransition, ValidationFailed, found, required
from service.partners.service import network_membership
from service.policy.actions import Action
from service.policy.facts import Access

# --- assessment


async def add_assessment_entry(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    kind: AssessmentKind,
    subcategory: AssessmentSubcategory,
    subject: str,
    detail: str | None = None,
) -> OnCase[AssessmentEntry]:
    """An entry's sub-category fixes its category and its data category (vocabulary.py)."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    require_admitted(case)
    category, data_category = SUBCATEGORIES[subcategory]
    entry = AssessmentEntry(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        kind=kind,
        category=category,
        subcategory=subcategory,
        data_category=data_category,
        subject=required_text(subject, field="subject", limit=SUBJECT_LIMIT),
        detail=text(detail, field="detail", limit=LONG_TEXT_LIMIT, optional=True),
        recorded_by_id=caller.actor.user_id,
        updated_at=caller.now,
    )
    caller.session.add(entry)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, entry)


async def reassess_entry(
    caller: Caller,
    *,
    entry_id: uuid.UUID,
    kind: AssessmentKind,
    subject: str,
    detail: str | None = None,
) -> OnCase[AssessmentEntry]:
    """Re-assessment: a new entry replaces the current one, which stays as history."""
    old = found(
        await caller.session.scalar(select(AssessmentEntry).where(AssessmentEntry.id == entry_id))
    )
    case, access = await case_for(caller, old.case_id, Action.CASE_WORK, seen=Action.CASE_WORK)
    require_admitted(case)
    if old.superseded_at is not None:
        raise InvalidTransition(
            "the entry has already been re-assessed", "der Eintrag wurde bereits neu bewertet"
        )
    entry = AssessmentEntry(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        kind=kind,
        category=old.category,
        subcategory=old.subcategory,
        data_category=old.data_category,
        subject=required_text(subject, field="subject", limit=SUBJECT_LIMIT),
        detail=text(detail, field="detail", limit=LONG_TEXT_LIMIT, optional=True),
        recorded_by_id=caller.actor.user_id,
        updated_at=caller.now,
        replaces_id=old.id,
    )
    old.superseded_at = caller.now
    caller.session.add(entry)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, entry)


# --- integration plan


async def add_goal(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    title: str,
    resources: str | None = None,
    target_date: date | None = None,
) -> OnCase[PlanItem]:
    """A goal, with the date by which it is to be reached where one is set (domain/004: goals
    "zeitlich überprüfbar"); optional, so goals set before it stay as they are."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    require_admitted(case)
    goal = PlanItem(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        kind=PlanItemKind.GOAL,
        title=required_text(title, field="title", limit=TITLE_LIMIT),
        resources=text(resources, field="resources", limit=LONG_TEXT_LIMIT, optional=True),
        target_date=target_date,
    )
    return await _added(caller, case, access, goal)


async def add_sub_goal(
    caller: Caller, *, goal_id: uuid.UUID, title: str, target_date: date
) -> OnCase[PlanItem]:
    goal, case, access = await plan_item_for(
        caller, goal_id, field="goalId", kinds={PlanItemKind.GOAL}
    )
    require_admitted(case)
    require_current(goal)
    sub_goal = PlanItem(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        kind=PlanItemKind.SUB_GOAL,
        goal_id=goal.id,
        title=required_text(title, field="title", limit=TITLE_LIMIT),
        target_date=target_date,
    )
    return await _added(caller, case, access, sub_goal)


async def add_activity(
    caller: Caller,
    *,
    parent_id: uuid.UUID,
    title: str,
    responsible: ResponsibleParty,
    target_date: date,
    partner_organisation_id: uuid.UUID | None = None,
) -> OnCase[PlanItem]:
    """An activity under a goal or a sub-goal; a network partner as responsible party is named."""
    parent, case, access = await plan_item_for(
        caller, parent_id, field="parentId", kinds={PlanItemKind.GOAL, PlanItemKind.SUB_GOAL}
    )
    require_admitted(case)
    require_current(parent)
    if (responsible is ResponsibleParty.NETWORK_PARTNER) != (partner_organisation_id is not None):
        raise ValidationFailed(
            "partnerOrganisationId",
            "name the network partner exactly when it is responsible",
            "Netzwerkpartner genau dann angeben, wenn er verantwortlich ist",
        )
    if partner_organisation_id is not None:
        await network_membership(caller.session, partner_organisation_id)
    is_goal = parent.kind == PlanItemKind.GOAL
    activity = PlanItem(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        kind=PlanItemKind.ACTIVITY,
        goal_id=parent.id if is_goal else parent.goal_id,
        sub_goal_id=None if is_goal else parent.id,
        title=required_text(title, field="title", limit=TITLE_LIMIT),
        responsible=responsible,
        partner_organisation_id=partner_organisation_id,
        target_date=target_date,
    )
    return await _added(caller, case, access, activity)


async def record_outcome(
    caller: Caller,
    *,
    item_id: uuid.UUID,
    outcome: Outcome,
    on: date,
    reason: str | None = None,
) -> OnCase[PlanItem]:
    """Fallsteuerung: achieved or not, when, and why. Why is required when not achieved."""
    item, case, access = await plan_item_for(
        caller, item_id, field="itemId", kinds=set(PlanItemKind)
    )
    require_admitted(case)
    require_current(item)
    if item.outcome is not None:
        raise InvalidTransition(
            "an outcome has already been recorded; correct it with a reason",
            "ein Ergebnis ist bereits erfasst; es kann mit Begründung berichtigt werden",
        )
    if on > caller.today:
        raise ValidationFailed(
            "on", "must not lie in the future", "darf nicht in der Zukunft liegen"
        )
    item.outcome_reason = text(
        reason,
        field="reason",
        limit=LONG_TEXT_LIMIT,
        optional=outcome is Outcome.ACHIEVED,
    )
    item.outcome = outcome
    item.outcome_on = on
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, item)


async def plan_item_for(
    caller: Caller, item_id: uuid.UUID, *, field: str, kinds: set[PlanItemKind]
) -> tuple[PlanItem, Case, Access]:
    """The plan item and its case, for work on it. Its case is asked first: what kind of item an
    id names is the plan's content, and tells nobody who may not work on the case."""
    item = found(await caller.session.scalar(select(PlanItem).where(PlanItem.id == item_id)))
    case, access = await case_for(caller, item.case_id, Action.CASE_WORK, seen=Action.CASE_WORK)
    if item.kind not in kinds:
        raise ValidationFailed(
            field,
            f"must name a {' or '.join(sorted(kinds))}",
            "verweist auf die falsche Art von Eintrag",
        )
    return item, case, access


def require_current(item: PlanItem) -> None:
    """A withdrawn item stays in the plan as history; nothing is added to it or steered on it."""
    if item.withdrawn_on is not None:
        raise InvalidTransition(
            "the plan item has been withdrawn", "der Eintrag wurde zurückgenommen"
        )


async def _added(caller: Caller, case: Case, access: Access, item: PlanItem) -> OnCase[PlanItem]:
    caller.session.add(item)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, item)


# --- integration agreement


async def conclude_agreement(
    caller: Caller, *, case_id: uuid.UUID, valid_from: date, valid_until: date
) -> OnCase[IntegrationAgreement]:
    """A new numbered, immutable version built from the plan as it stands now."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    require_admitted(case)
    if valid_until < valid_from:
        raise ValidationFailed(
            "validUntil", "must not precede validFrom", "darf nicht vor dem Beginn liegen"
        )
    items = list(
        await caller.session.scalars(
            select(PlanItem).where(PlanItem.case_id == case.id).order_by(PlanItem.created_at)
        )
    )
    if not any(item.kind == PlanItemKind.GOAL for item in items):
        raise required("goals")
    last = await caller.session.scalar(
        select(func.max(IntegrationAgreement.number)).where(IntegrationAgreement.case_id == case.id)
    )
    agreement = IntegrationAgreement(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        number=(last or 0) + 1,
        valid_from=valid_from,
        valid_until=valid_until,
        plan=plan_snapshot(items),
        concluded_by_id=caller.actor.user_id,
    )
    caller.session.add(agreement)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, agreement)


def plan_snapshot(items: list[PlanItem]) -> list[dict]:
    """Goals with their sub-goals and activities, as plain data that later edits cannot change.
    Withdrawn items are no longer part of the plan agreed (their history stays with them)."""
    items = [item for item in items if item.withdrawn_on is None]

    def entry(item: PlanItem) -> dict:
        fields = {
            "title": item.title,
            "resources": item.resources,
            "targetDate": item.target_date.isoformat() if item.target_date else None,
            "responsible": item.responsible,
        }
        return {key: value for key, value in fields.items() if value is not None}

    def activities(parent_id: uuid.UUID) -> list[dict]:
        return [
            entry(item)
            for item in items
            if item.kind == PlanItemKind.ACTIVITY
            and (item.sub_goal_id or item.goal_id) == parent_id
        ]

    return [
        {
            **entry(goal),
            "subGoals": [
                {**entry(sub), "activities": activities(sub.id)}
                for sub in items
                if sub.kind == PlanItemKind.SUB_GOAL and sub.goal_id == goal.id
            ],
            "activities": activities(goal.id),
        }
        for goal in items
        if goal.kind == PlanItemKind.GOAL
    ]
