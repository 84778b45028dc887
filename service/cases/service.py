"""How a case goes: intake, reads, reviews and responsibility. The work inside a case
(assessment, plan, its changes, documents) and closure with after-care are in the sibling
modules (work.py, plan_changes.py, documents.py, closure.py).

Every function takes a `Caller` and keyword arguments, checks the policy through the authorizer
(policies.polar decides, service/cases/access.py supplies the facts), applies the business rules
and flushes; the request's unit of work commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import any_, func, select
from sqlalchemy.exc import IntegrityError

from service.caller import Caller
from service.cases.access import jobcenter_access, staff_access
from service.cases.models import Case, CaseReview, CaseStatus, ProfilingItem
from service.cases.rules import (
    OPEN_CASE_EXISTS,
    require_admitted,
    required_text,
)
from service.cases.vocabulary import (
    COMPLEX_PROFILES,
    DECISION_REASONING_LIMIT,
    DECLINE_REASON_LIMIT,
    INTAKE_REASONING_LIMIT,
    LONG_TEXT_LIMIT,
    MAX_PROFILING_ITEMS,
    PROFILING_DETAIL_LIMIT,
    REVIEW_INTERVAL_MONTHS,
    AssessmentSubcategory,
    CareVariant,
    Profile,
    ProfilingCategory,
    profiling_data_category,
)
from service.clients.models import Client
from service.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
    found,
    required,
)
from service.identity.roles import Role
from service.moments import add_months
from service.policy.actions import Action
from service.policy.categories import DataCategory
from service.policy.facts import Access
from service.staff.models import StaffUser
from service.staff.service import active_case_manager

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OnCase(Generic[T]):
    """A case as the caller stands to it, and the thing a step changed on it."""

    case: Case
    access: Access
    item: T


# --- loading a case for a step


async def case_for(
    caller: Caller, case_id: uuid.UUID, action: Action, *, seen: Action = Action.CASE_READ
) -> tuple[Case, Access]:
    """The case, locked for the rest of the request, if the caller may do `action` on it.

    A case the caller may not read is "not found", whatever the reason (another jobcenter's:
    row-level security; one they have no relation to: the policy). One they read but may not
    change (a team lead adding a goal) is FORBIDDEN: they know it exists. For a step named by
    the id of something inside the case (a plan item, an assessment entry), `seen` is what
    lets one read that: a team lead, who never reads the plan, gets NOT_FOUND for its ids.
    """
    if caller.actor.tenant_id is None:
        # Of no jobcenter (a partner): row-level security shows them no case here, and Citus
        # refuses the row lock of a statement that names no jobcenter — a 500 for a partner's
        # guess at a case id (docs/scale-out.md, item 6). The same answer, without asking.
        raise NotFound()
    case = found(
        await caller.session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    )
    access = (await staff_access(caller.session, caller.actor, [case], now=caller.now))[case.id]
    caller.authorizer.authorize_seen(caller.actor, action, access, seen=seen)
    changed_since = caller.expected_version not in (None, case.version)
    if action is not Action.CASE_READ and changed_since:
        raise Conflict()  # someone changed the case since the caller read it
    return case, access


def touched(case: Case) -> None:
    case.version += 1


# --- intake (Fallzugang, Übergabe)


@dataclass(frozen=True, slots=True)
class ProfilingInput:
    category: ProfilingCategory
    detail: str
    subcategory: AssessmentSubcategory | None = None
    """What the item is about, where it says more than its group (an addiction, not only
    "capacity"): its data category follows (vocabulary.profiling_data_category)."""


@dataclass(frozen=True, slots=True)
class _ProfilingItem:
    category: ProfilingCategory
    subcategory: AssessmentSubcategory | None
    data_category: DataCategory
    detail: str


async def propose_case(
    caller: Caller,
    *,
    client_id: uuid.UUID,
    profile: Profile,
    profiling_items: Sequence[ProfilingInput],
    intake_reasoning: str,
    case_manager_id: uuid.UUID | None = None,
) -> OnCase[Case]:
    """Propose a client for case management. The case manager named (or the proposing case
    manager) becomes responsible and decides; without one, a team lead assigns one."""
    caller.authorizer.authorize(caller.actor, Action.CASE_PROPOSE, jobcenter_access(caller.actor))
    reasoning = required_text(
        intake_reasoning, field="intakeReasoning", limit=INTAKE_REASONING_LIMIT
    )
    if profile not in COMPLEX_PROFILES:
        raise ValidationFailed(
            "profile",
            "case management takes a complex profile: development, stabilisation or support",
            "ins Fallmanagement führt nur eine komplexe Profillage: Entwicklungs-, "
            "Stabilisierungs- oder Unterstützungsprofil",
        )
    items = _profiling_items(profiling_items)
    # Any active client of the jobcenter may be proposed; another jobcenter's is out of reach
    # (row-level security) and as unknown as a random id.
    client = found(
        await caller.session.scalar(select(Client).where(Client.id == client_id, Client.active))
    )
    if case_manager_id is not None:
        await active_case_manager(caller, case_manager_id, field="caseManagerId")
    elif caller.actor.has_role(Role.CASE_MANAGER):
        case_manager_id = caller.actor.user_id
    case = Case(
        tenant_id=client.tenant_id,
        id=uuid.uuid4(),
        client_id=client.id,
        status=CaseStatus.PROPOSED,
        responsible_case_manager_id=case_manager_id,
        proposed_by_id=caller.actor.user_id,
        profile=profile,
        intake_reasoning=reasoning,
        version=1,
    )
    await _insert_open_case(caller, case)
    caller.session.add_all(
        ProfilingItem(
            tenant_id=case.tenant_id,
            case_id=case.id,
            position=position,
            category=item.category,
            subcategory=item.subcategory,
            data_category=item.data_category,
            detail=item.detail,
        )
        for position, item in enumerate(items)
    )
    await caller.session.flush()
    access = (await staff_access(caller.session, caller.actor, [case], now=caller.now))[case.id]
    return OnCase(case, access, case)


def _profiling_items(items: Sequence[ProfilingInput]) -> list[_ProfilingItem]:
    if len(items) > MAX_PROFILING_ITEMS:
        raise ValidationFailed(
            "profilingItems",
            f"at most {MAX_PROFILING_ITEMS} items",
            f"höchstens {MAX_PROFILING_ITEMS} Einträge",
        )
    return [_profiling_item(index, item) for index, item in enumerate(items)]


def _profiling_item(index: int, item: ProfilingInput) -> _ProfilingItem:
    data_category = profiling_data_category(item.category, item.subcategory)
    if data_category is None:
        raise ValidationFailed(
            f"profilingItems.{index}.subcategory",
            "an item on capacity is about physical or mental capacity or addiction",
            "ein Punkt zur Leistungsfähigkeit betrifft körperliche oder psychische "
            "Leistungsfähigkeit oder Sucht",
        )
    detail = required_text(
        item.detail, field=f"profilingItems.{index}.detail", limit=PROFILING_DETAIL_LIMIT
    )
    return _ProfilingItem(item.category, item.subcategory, data_category, detail)


async def _insert_open_case(caller: Caller, case: Case) -> None:
    """Insert in a savepoint: the partial unique index (one open case per client) is the rule
    that holds under concurrency too; its violation becomes a user error, not a fault."""
    try:
        async with caller.session.begin_nested():
            caller.session.add(case)
            await caller.session.flush()
    except IntegrityError as error:
        if "uq_cases_one_open_per_client" in str(error.orig):
            raise OPEN_CASE_EXISTS from None
        raise


async def decide_intake(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    admit: bool,
    reasoning: str,
    care_variant: CareVariant | None = None,
) -> OnCase[Case]:
    """Admit (full handover or accompanying care, with a decision reasoning) or decline (with the
    reason, domain/001: Gründe sind zu dokumentieren)."""
    case, access = await case_for(caller, case_id, Action.CASE_DECIDE_INTAKE)
    if case.status != CaseStatus.PROPOSED:
        raise InvalidTransition(
            "the intake has already been decided", "über den Fallzugang ist bereits entschieden"
        )
    limit = DECISION_REASONING_LIMIT if admit else DECLINE_REASON_LIMIT
    text_ = required_text(reasoning, field="reasoning", limit=limit)
    if admit and care_variant is None:
        raise required("careVariant")
    case.decided_by_id = caller.actor.user_id
    case.decided_at = caller.now
    if admit:
        case.decision_reasoning = text_
        case.care_variant = care_variant
        case.status = CaseStatus.ADMITTED
        case.admitted_on = caller.today
        case.next_review_due = add_months(caller.today, REVIEW_INTERVAL_MONTHS)
    else:
        case.decline_reason = text_
        case.status = CaseStatus.DECLINED
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, case)


# --- reads


async def get_case(caller: Caller, *, case_id: uuid.UUID) -> tuple[Case, Access]:
    return await case_for(caller, case_id, Action.CASE_READ)


# --- reviews (closure and after-care: closure.py)


async def record_review(
    caller: Caller,
    *,
    case_id: uuid.UUID,
    reasoning: str,
    prognosis: str,
    profile: Profile | None = None,
) -> OnCase[CaseReview]:
    """Document why case management continues and its prognosis (domain/001: six months after
    admission, then every six months); the next review falls due six months after this one."""
    case, access = await case_for(caller, case_id, Action.CASE_WORK)
    require_admitted(case)
    review = CaseReview(
        tenant_id=case.tenant_id,
        case_id=case.id,
        reviewed_on=caller.today,
        reasoning=required_text(reasoning, field="reasoning", limit=LONG_TEXT_LIMIT),
        prognosis=required_text(prognosis, field="prognosis", limit=LONG_TEXT_LIMIT),
        profile_before=case.profile,
        profile_after=profile or case.profile,
        next_review_due=add_months(caller.today, REVIEW_INTERVAL_MONTHS),
        author_id=caller.actor.user_id,
    )
    caller.session.add(review)
    case.profile = review.profile_after
    case.next_review_due = review.next_review_due
    touched(case)
    await caller.session.flush()
    return OnCase(case, access, review)


# --- responsibility


async def assign_case_manager(
    caller: Caller, *, case_id: uuid.UUID, case_manager_id: uuid.UUID
) -> OnCase[Case]:
    """A team lead (re)assigns the responsible case manager of an open case (moving clients,
    absence). The previous case manager loses access with the next request."""
    case, _ = await case_for(caller, case_id, Action.CASE_ASSIGN)
    if case.status not in (CaseStatus.PROPOSED, CaseStatus.ADMITTED):
        raise InvalidTransition("the case is no longer open", "der Fall ist nicht mehr offen")
    await active_case_manager(caller, case_manager_id, field="caseManagerId")
    case.responsible_case_manager_id = case_manager_id
    if case.deputy_case_manager_id == case_manager_id:
        case.deputy_case_manager_id = None
    touched(case)
    await caller.session.flush()
    return await _reloaded(caller, case)


async def register_deputy(
    caller: Caller, *, case_id: uuid.UUID, deputy_id: uuid.UUID | None
) -> OnCase[Case]:
    """Register (or, with None, remove) the deputy of a case. Registration alone opens nothing:
    the deputy acts only under the client's active deputy consent (domain/001, Vertretung)."""
    case, _ = await case_for(caller, case_id, Action.CASE_REGISTER_DEPUTY)
    if case.status not in (CaseStatus.PROPOSED, CaseStatus.ADMITTED):
        raise InvalidTransition("the case is no longer open", "der Fall ist nicht mehr offen")
    if deputy_id is not None:
        await active_case_manager(caller, deputy_id, field="deputyId")
        if deputy_id == case.responsible_case_manager_id:
            raise ValidationFailed(
                "deputyId",
                "the responsible case manager cannot be their own deputy",
                "die zuständige Fachkraft kann nicht ihre eigene Vertretung sein",
            )
    case.deputy_case_manager_id = deputy_id
    touched(case)
    await caller.session.flush()
    return await _reloaded(caller, case)


async def _reloaded(caller: Caller, case: Case) -> OnCase[Case]:
    """After a change of responsibility the caller may stand differently to the case."""
    access = (await staff_access(caller.session, caller.actor, [case], now=caller.now))[case.id]
    return OnCase(case, access, case)


async def caseload(caller: Caller) -> list[tuple[StaffUser, int]]:
    """Admitted cases per active case manager, for team leads (guideline 1:75)."""
    caller.authorizer.authorize(caller.actor, Action.CASELOAD_READ, jobcenter_access(caller.actor))
    counts = (
        select(Case.responsible_case_manager_id, func.count().label("open_cases"))
        .where(Case.status == CaseStatus.ADMITTED)
        .group_by(Case.responsible_case_manager_id)
        .subquery()
    )
    rows = await caller.session.execute(
        select(StaffUser, func.coalesce(counts.c.open_cases, 0))
        .outerjoin(counts, counts.c.responsible_case_manager_id == StaffUser.id)
        .where(StaffUser.active, any_(StaffUser.roles) == str(Role.CASE_MANAGER))
        .order_by(StaffUser.display_name)
    )
    return [(staff, count) for staff, count in rows]
