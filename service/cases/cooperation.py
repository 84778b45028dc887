"""Potenzialanalyse and Kooperationsplan (§§ 15, 15a SGB II since 2023; the law is in
cooperation_vocabulary.py). Each step is `case:work` on an admitted case, like the plan itself.

Versions never overlap: a new version starts after every earlier one started, and when the
client agrees to it, the version in effect before stops the day before (`superseded_from`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from service.caller import Caller
from service.cases.cooperation_models import (
    Conciliation,
    CooperationPlan,
    CooperationPlanReview,
    CooperationRequest,
    PotentialAnalysis,
    PotentialAnalysisItem,
)
from service.cases.cooperation_vocabulary import (
    MAX_POTENTIAL_ITEMS,
    PLAIN_TEXT_LIMIT,
    PLAN_REVIEW_MONTHS,
    POTENTIAL_ITEM_LIMIT,
    ConciliationStatus,
    LegalBasis,
    PlanPosition,
    PotentialItemKind,
    Requester,
)
from service.cases.models import Case, PlanItem
from service.cases.rules import require_admitted, required_text, text
from service.cases.service import OnCase, case_for, touched
from service.cases.vocabulary import (
    LONG_TEXT_LIMIT,
    SUBCATEGORIES,
    AssessmentSubcategory,
    PlanItemKind,
)
from service.cases.work import plan_snapshot
from service.errors import InvalidTransition, ValidationFailed, found, required
from service.moments import add_months
from service.policy.actions import Action
from service.policy.facts import Access


def _not_future(day: date, caller: Caller, field: str) -> None:
    if day > caller.today:
        raise ValidationFailed(
            field, "must not lie in the future", "darf nicht in der Zukunft liegen"
        )


# --- Potenzialanalyse


@dataclass(frozen=True, slots=True)
class PotentialItemInput:
    kind: PotentialItemKind
    subcategory: AssessmentSubcategory
    text: str


async def record_potential_analysis(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    conducted_on: date,
    items: Sequence[PotentialItemInput],
) -> OnCase[PotentialAnalysis]:
    """Strengths, needs and the client's own view, each on a topic whose data category it takes
    (a need on addiction is addiction data: a partner reads it only under explicit consent)."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    require_admitted(case)
    _not_future(conducted_on, caller, "conductedOn")
    if not items:
        raise required("items")
    if len(items) > MAX_POTENTIAL_ITEMS:
        raise ValidationFailed(
            "items",
            f"at most {MAX_POTENTIAL_ITEMS} items",
            f"höchstens {MAX_POTENTIAL_ITEMS} Punkte",
        )
    texts = [
        required_text(item.text, field=f"items.{index}.text", limit=POTENTIAL_ITEM_LIMIT)
        for index, item in enumerate(items)
    ]
    analysis = PotentialAnalysis(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        conducted_on=conducted_on,
        conducted_by_id=caller.actor.user_id,
    )
    caller.session.add(analysis)
    await caller.session.flush()
    caller.session.add_all(
        PotentialAnalysisItem(
            tenant_id=case.tenant_id,
            case_id=case.id,
            analysis_id=analysis.id,
            position=position,
            kind=item.kind,
            subcategory=item.subcategory,
            data_category=SUBCATEGORIES[item.subcategory][1],
            text=item_text,
        )
        for position, (item, item_text) in enumerate(zip(items, texts, strict=True))
    )
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, analysis)


# --- the plan's versions


async def draw_up_plan(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    potential_analysis_id: uuid.UUID,
    valid_from: date,
    plain_text: str,
) -> OnCase[CooperationPlan]:
    """A new version from the plan's goals as they stand, with the text the client reads, after
    a Potenzialanalyse of this case (§ 15 Abs. 2: unter Berücksichtigung der Feststellungen).
    It waits for the client's answer; the review falls due six months after it starts."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    require_admitted(case)
    analysis = await caller.session.scalar(
        select(PotentialAnalysis).where(
            PotentialAnalysis.id == potential_analysis_id, PotentialAnalysis.case_id == case.id
        )
    )
    if analysis is None:
        raise ValidationFailed(
            "potentialAnalysisId",
            "not a potential analysis of this case",
            "keine Potenzialanalyse dieses Falls",
        )
    text_ = required_text(plain_text, field="plainText", limit=PLAIN_TEXT_LIMIT)
    if valid_from < caller.today:
        raise ValidationFailed(
            "validFrom", "must not lie in the past", "darf nicht in der Vergangenheit liegen"
        )
    items = list(
        await caller.session.scalars(
            select(PlanItem).where(PlanItem.case_id == case.id).order_by(PlanItem.created_at)
        )
    )
    if not any(item.kind == PlanItemKind.GOAL for item in items):
        raise required("goals")
    latest = await caller.session.scalar(
        select(func.max(CooperationPlan.valid_from)).where(CooperationPlan.case_id == case.id)
    )
    if latest is not None and valid_from <= latest:
        raise ValidationFailed(
            "validFrom",
            f"must lie after the start of the latest version ({latest.isoformat()})",
            f"muss nach dem Beginn der letzten Fassung liegen ({latest.strftime('%d.%m.%Y')})",
        )
    number = await caller.session.scalar(
        select(func.max(CooperationPlan.number)).where(CooperationPlan.case_id == case.id)
    )
    plan = CooperationPlan(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        number=(number or 0) + 1,
        legal_basis=LegalBasis.KOOPERATIONSPLAN_2023,
        potential_analysis_id=analysis.id,
        valid_from=valid_from,
        review_due=add_months(valid_from, PLAN_REVIEW_MONTHS),
        plain_text=text_,
        plan=plan_snapshot(items),
        client_position=PlanPosition.PENDING,
        drawn_up_by_id=caller.actor.user_id,
    )
    caller.session.add(plan)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, plan)


async def _plan_on_case(caller: Caller, plan_id: uuid.UUID) -> tuple[CooperationPlan, Case, Access]:
    """The version and its case, for work on it; its case is asked first (see work._plan_item)."""
    plan = found(
        await caller.session.scalar(select(CooperationPlan).where(CooperationPlan.id == plan_id))
    )
    case, access = await case_for(caller, plan.case_id, Action.CASE_WORK, seen=Action.CASE_WORK)
    require_admitted(case)
    return plan, case, access


async def record_client_position(
    caller: Caller,
    *,
    plan_id: uuid.UUID,
    position: PlanPosition,
    note: str | None = None,
) -> OnCase[CooperationPlan]:
    """The client agrees to the version or not, once. Agreed, it takes effect from its start and
    the version before it stops the day before; disagreed, it never takes effect, and either side
    may ask for a Schlichtung (§ 15a), whose reason is required here."""
    plan, case, access = await _plan_on_case(caller, plan_id)
    if plan.client_position != PlanPosition.PENDING:
        raise InvalidTransition(
            "the client has already answered this version",
            "zu dieser Fassung liegt die Antwort bereits vor",
        )
    if position is PlanPosition.PENDING:
        raise ValidationFailed(
            "position", "must be agreed or disagreed", "Zustimmung oder Ablehnung angeben"
        )
    plan.client_position_note = text(
        note, field="note", limit=LONG_TEXT_LIMIT, optional=position is PlanPosition.AGREED
    )
    plan.client_position = position
    plan.client_position_on = caller.today
    if position is PlanPosition.AGREED:
        earlier = await caller.session.scalars(
            select(CooperationPlan).where(
                CooperationPlan.case_id == case.id,
                CooperationPlan.id != plan.id,
                CooperationPlan.client_position == PlanPosition.AGREED,
                CooperationPlan.superseded_from.is_(None),
                CooperationPlan.valid_from < plan.valid_from,
            )
        )
        for previous in earlier:
            if previous.valid_until is None or previous.valid_until >= plan.valid_from:
                previous.superseded_from = plan.valid_from
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, plan)


def in_effect_until(plan: CooperationPlan) -> date | None:
    """The last day the version is in effect: the day before its successor, or its end."""
    ends = [day for day in (plan.valid_until,) if day is not None]
    if plan.superseded_from is not None:
        ends.append(plan.superseded_from - timedelta(days=1))
    return min(ends) if ends else None


async def review_plan(
    caller: Caller,
    *,
    plan_id: uuid.UUID,
    with_client: bool,
    notes: str,
    next_review_due: date,
) -> OnCase[CooperationPlanReview]:
    """The joint review (§ 15 Abs. 3): of an agreed version still in effect; the next one at
    the latest six months on. A changed plan is a new version (draw_up_plan) after it."""
    plan, case, access = await _plan_on_case(caller, plan_id)
    until = in_effect_until(plan)
    if plan.client_position != PlanPosition.AGREED or (until is not None and until < caller.today):
        raise InvalidTransition(
            "only an agreed version in effect is reviewed",
            "überprüft wird nur eine vereinbarte, geltende Fassung",
        )
    latest_due = add_months(caller.today, PLAN_REVIEW_MONTHS)
    if not caller.today < next_review_due <= latest_due:
        raise ValidationFailed(
            "nextReviewDue",
            f"must lie after today and no later than {latest_due.isoformat()} (six months)",
            f"muss nach heute und spätestens am {latest_due.strftime('%d.%m.%Y')} liegen "
            "(sechs Monate)",
        )
    review = CooperationPlanReview(
        tenant_id=case.tenant_id,
        case_id=case.id,
        plan_id=plan.id,
        reviewed_on=caller.today,
        with_client=with_client,
        notes=required_text(notes, field="notes", limit=LONG_TEXT_LIMIT),
        next_review_due=next_review_due,
        author_id=caller.actor.user_id,
    )
    caller.session.add(review)
    plan.review_due = next_review_due  # the reviews keep every earlier due date
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, review)


# --- Schlichtung (§ 15a) and requests with advice on legal consequences


async def start_conciliation(
    caller: Caller, *, plan_id: uuid.UUID, requested_by: Requester, subject: str
) -> OnCase[Conciliation]:
    """On a version the client disagreed with; one open Schlichtung per case at a time."""
    plan, case, access = await _plan_on_case(caller, plan_id)
    if plan.client_position != PlanPosition.DISAGREED:
        raise InvalidTransition(
            "a conciliation needs a version the client disagreed with",
            "eine Schlichtung setzt eine abgelehnte Fassung voraus",
        )
    open_one = await caller.session.scalar(
        select(Conciliation.id).where(
            Conciliation.case_id == case.id, Conciliation.status == ConciliationStatus.OPEN
        )
    )
    if open_one is not None:
        raise InvalidTransition("a conciliation is already open", "eine Schlichtung läuft bereits")
    row = Conciliation(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        plan_id=plan.id,
        started_on=caller.today,
        requested_by=requested_by,
        subject=required_text(subject, field="subject", limit=LONG_TEXT_LIMIT),
        status=ConciliationStatus.OPEN,
        recorded_by_id=caller.actor.user_id,
    )
    caller.session.add(row)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, row)


async def end_conciliation(
    caller: Caller, *, conciliation_id: uuid.UUID, status: ConciliationStatus, outcome: str
) -> OnCase[Conciliation]:
    row = found(
        await caller.session.scalar(select(Conciliation).where(Conciliation.id == conciliation_id))
    )
    case, access = await case_for(caller, row.case_id, Action.CASE_WORK, seen=Action.CASE_WORK)
    require_admitted(case)
    if row.status != ConciliationStatus.OPEN:
        raise InvalidTransition("the conciliation has ended", "die Schlichtung ist beendet")
    if status is ConciliationStatus.OPEN:
        raise ValidationFailed("status", "must be an outcome", "ein Ergebnis angeben")
    row.outcome = required_text(outcome, field="outcome", limit=LONG_TEXT_LIMIT)
    row.status = status
    row.ended_on = caller.today
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, row)


async def issue_request(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    action: str,
    due_on: date,
    legal_consequences: str,
    plan_id: uuid.UUID | None = None,
) -> OnCase[CooperationRequest]:
    """A binding request to act, apart from the plan, with the advice on legal consequences
    given with it (no advice, no request: § 15 Abs. 5/6 and §§ 31, 31a need it)."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    require_admitted(case)
    if plan_id is not None:
        plan = await caller.session.scalar(
            select(CooperationPlan.id).where(
                CooperationPlan.id == plan_id, CooperationPlan.case_id == case.id
            )
        )
        if plan is None:
            raise ValidationFailed("planId", "not a plan of this case", "kein Plan dieses Falls")
    if due_on < caller.today:
        raise ValidationFailed(
            "dueOn", "must not lie in the past", "darf nicht in der Vergangenheit liegen"
        )
    row = CooperationRequest(
        tenant_id=case.tenant_id,
        id=uuid.uuid4(),
        case_id=case.id,
        plan_id=plan_id,
        issued_on=caller.today,
        action=required_text(action, field="action", limit=LONG_TEXT_LIMIT),
        due_on=due_on,
        legal_consequences=required_text(
            legal_consequences, field="legalConsequences", limit=LONG_TEXT_LIMIT
        ),
        issued_by_id=caller.actor.user_id,
    )
    caller.session.add(row)
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, row)
