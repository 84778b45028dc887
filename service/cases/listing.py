"""Listing cases: which cases a member of staff (or a client: their own) may list, filtered and
paged by keyset cursor.

The policy is asked once per relation, not once per row (STYLE.md, gitclub's data filtering):
"may someone who is only of the same jobcenter read a case?" (team leads: yes → every case of the
jobcenter), "…who is its responsible case manager?", "…its proposer?". Each yes becomes a SQL
predicate. Deputy cases depend on each client's consent, so those rows are checked one Access at
a time after the fetch, reading on until the page is full.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true, tuple_

from service.caller import Caller
from service.cases.access import staff_access
from service.cases.models import Case, CaseStatus
from service.cases.vocabulary import CASE_DURATION_LIMIT_MONTHS
from service.db.base import row_columns
from service.db.driver_rows import fetch_rows
from service.identity.roles import ActorKind
from service.moments import add_months
from service.paging import fill_page
from service.policy.actions import Action
from service.policy.facts import Access, ConsentDirection, ConsentFact, ConsentPurpose, Relation


@dataclass(frozen=True, slots=True)
class CaseFilter:
    status: CaseStatus | None = None
    responsible_case_manager_id: uuid.UUID | None = None
    review_overdue: bool | None = None
    past_two_years: bool | None = None


async def list_cases(
    caller: Caller,
    *,
    filters: CaseFilter,
    after: tuple[datetime, uuid.UUID] | None = None,
    limit: int,
) -> list[tuple[Case, Access]]:
    """Oldest first, at most `limit`, each with the caller's access to it."""
    query = (
        select(*row_columns(Case))
        .where(visible_to(caller), *_filter_clauses(caller, filters))
        .order_by(Case.created_at, Case.id)
    )

    async def batch(position, size):
        later = (
            query if position is None else query.where(tuple_(Case.created_at, Case.id) > position)
        )
        cases = await fetch_rows(caller.session, later.limit(size))
        access = await staff_access(caller.session, caller.actor, cases, now=caller.now)
        readable = _readable(caller, access)
        return cases, [(case, access[case.id]) for case in cases if readable(case.id)]

    # Deputy cases are readable only under the client's deputy consent, decided per row after
    # the fetch: read on until the page is full (service/paging.py).
    return await fill_page(batch, limit, after)


def _readable(caller: Caller, access: dict[uuid.UUID, Access]):
    answers: dict[Access, bool] = {}

    def readable(case_id: uuid.UUID) -> bool:
        situation = access[case_id]
        if situation not in answers:
            answers[situation] = caller.authorizer.is_allowed(
                caller.actor, Action.CASE_READ, situation
            )
        return answers[situation]

    return readable


def visible_to(caller: Caller) -> ColumnElement[bool]:
    actor = caller.actor
    if actor.kind is ActorKind.CLIENT:
        own = Access(frozenset({Relation.DATA_SUBJECT}))
        if caller.authorizer.is_allowed(actor, Action.CASE_READ, own):
            return Case.client_id == actor.user_id
        return false()
    if actor.kind is not ActorKind.STAFF:
        return false()

    def policy_allows(*relations: Relation, consents: tuple[ConsentFact, ...] = ()) -> bool:
        situation = Access(frozenset({Relation.SAME_JOBCENTER, *relations}), consents)
        return caller.authorizer.is_allowed(actor, Action.CASE_READ, situation)

    if policy_allows():
        return true()
    clauses = []
    if policy_allows(Relation.RESPONSIBLE_CASE_MANAGER):
        clauses.append(Case.responsible_case_manager_id == actor.user_id)
    if policy_allows(Relation.PROPOSER):
        clauses.append(Case.proposed_by_id == actor.user_id)
    if policy_allows(Relation.HANDOVER_RECIPIENT):
        clauses.append(Case.handed_over_to_id == actor.user_id)
    if policy_allows(Relation.DEPUTY_CASE_MANAGER, consents=(_deputy_consent(caller),)):
        clauses.append(Case.deputy_case_manager_id == actor.user_id)
    return or_(*clauses) if clauses else false()


def _deputy_consent(caller: Caller) -> ConsentFact:
    """A hypothetical active deputy consent naming the caller: would it make deputies see cases
    at all?"""
    return ConsentFact(
        purpose=ConsentPurpose.DEPUTY,
        direction=ConsentDirection.TO_JOBCENTER,
        grantee_id=caller.actor.tenant_id or uuid.UUID(int=0),
        categories=frozenset(),
        explicit_special=False,
        active=True,
        id=uuid.UUID(int=0),
        deputy_id=caller.actor.user_id,
    )


def _filter_clauses(caller: Caller, filters: CaseFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.status is not None:
        clauses.append(Case.status == filters.status)
    if filters.responsible_case_manager_id is not None:
        clauses.append(Case.responsible_case_manager_id == filters.responsible_case_manager_id)
    if filters.review_overdue is not None:
        overdue = and_(Case.status == CaseStatus.ADMITTED, Case.next_review_due < caller.today)
        clauses.append(_is(overdue, filters.review_overdue))
    if filters.past_two_years is not None:
        limit = add_months(caller.today, -CASE_DURATION_LIMIT_MONTHS)
        past = and_(Case.status == CaseStatus.ADMITTED, Case.admitted_on <= limit)
        clauses.append(_is(past, filters.past_two_years))
    return clauses


def _is(condition: ColumnElement[bool], wanted: bool) -> ColumnElement[bool]:
    # Columns in the conditions can be NULL; compare the condition as a whole, NULL as false.
    return condition.is_(True) if wanted else not_(condition.is_(True))
