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
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    false,
    not_,
    or_,
    select,
    true,
    tuple_,
)

from service.caller import Caller
from service.cases.access import staff_access
from service.cases.models import Case, CaseStatus
from service.cases.vocabulary import CASE_DURATION_LIMIT_MONTHS
from service.db.base import row_columns
from service.db.driver_rows import ReadStatement
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
    shape = _Shape(visible_to(caller), *_filter_shape(filters))
    if not shape.visible:
        return []  # the policy lets them list no case: nothing to ask the database
    values = {"actor": caller.actor.user_id, **_filter_values(caller, filters)}

    async def batch(position, size):
        parameters = {**values, "size": size}
        if position is not None:
            parameters["after_at"], parameters["after_id"] = position
        statement = _page_statement(shape, after=position is not None)
        cases = await statement.rows(caller.session, **parameters)
        access = await staff_access(caller.session, caller.actor, cases, now=caller.now)
        readable = _readable(caller, access)
        return cases, [(case, access[case.id]) for case in cases if readable(case.id)]

    # Deputy cases are readable only under the client's deputy consent, decided per row after
    # the fetch: read on until the page is full (service/paging.py).
    return await fill_page(batch, limit, after)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a page's statement depends on besides its values: which of the case's columns
    name the caller (`visible_to`), and which filters are set."""

    visible: tuple[str, ...]
    status: bool
    manager: bool
    review_overdue: bool | None
    past_two_years: bool | None


# One statement per shape, its values parameters: built and keyed for SQLAlchemy's cache on
# every page before, ≈ 2.5 % of a case list's CPU (py-spy, the bench's W1).
@cache
def _page_statement(shape: _Shape, *, after: bool) -> ReadStatement:
    query = (
        select(*row_columns(Case))
        # The entity named, so that the session's criteria name the jobcenter even where no
        # clause names a column (a team lead's `WHERE true`: its pages were confined by
        # row-level security alone, and sorted every case of the server; migration 0010).
        .select_from(Case)
        .where(_visibility_clause(shape.visible), *_filter_clauses(shape))
        .order_by(Case.created_at, Case.id)
    )
    if after:
        position = tuple_(
            bindparam("after_at", type_=Case.created_at.type),
            bindparam("after_id", type_=Case.id.type),
        )
        query = query.where(tuple_(Case.created_at, Case.id) > position)
    return ReadStatement(query.limit(bindparam("size", type_=Integer)))


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


EVERY_CASE = ("*",)


def visible_to(caller: Caller) -> tuple[str, ...]:
    """The columns of a case of which one must name the caller for them to list it (any one
    will do); EVERY_CASE where the policy lets them list all of the jobcenter's, () where
    none."""
    actor = caller.actor
    if actor.kind is ActorKind.CLIENT:
        own = Access(frozenset({Relation.DATA_SUBJECT}))
        return ("client_id",) if caller.authorizer.is_allowed(actor, Action.CASE_READ, own) else ()
    if actor.kind is not ActorKind.STAFF:
        return ()

    def policy_allows(*relations: Relation, consents: tuple[ConsentFact, ...] = ()) -> bool:
        situation = Access(frozenset({Relation.SAME_JOBCENTER, *relations}), consents)
        return caller.authorizer.is_allowed(actor, Action.CASE_READ, situation)

    if policy_allows():
        return EVERY_CASE
    columns = []
    if policy_allows(Relation.RESPONSIBLE_CASE_MANAGER):
        columns.append("responsible_case_manager_id")
    if policy_allows(Relation.PROPOSER):
        columns.append("proposed_by_id")
    if policy_allows(Relation.HANDOVER_RECIPIENT):
        columns.append("handed_over_to_id")
    if policy_allows(Relation.DEPUTY_CASE_MANAGER, consents=(_deputy_consent(caller),)):
        columns.append("deputy_case_manager_id")
    return tuple(columns)


def _visibility_clause(columns: tuple[str, ...]) -> ColumnElement[bool]:
    if columns == EVERY_CASE:
        return true()
    actor = bindparam("actor", type_=Case.id.type)
    clauses = [getattr(Case, column) == actor for column in columns]
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


def _filter_shape(filters: CaseFilter) -> tuple[bool, bool, bool | None, bool | None]:
    return (
        filters.status is not None,
        filters.responsible_case_manager_id is not None,
        filters.review_overdue,
        filters.past_two_years,
    )


def _filter_values(caller: Caller, filters: CaseFilter) -> dict[str, object]:
    values: dict[str, object] = {}
    if filters.status is not None:
        values["status"] = filters.status
    if filters.responsible_case_manager_id is not None:
        values["manager"] = filters.responsible_case_manager_id
    if filters.review_overdue is not None:
        values["today"] = caller.today
    if filters.past_two_years is not None:
        values["limit_day"] = add_months(caller.today, -CASE_DURATION_LIMIT_MONTHS)
    return values


def _filter_clauses(shape: _Shape) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if shape.status:
        clauses.append(Case.status == bindparam("status", type_=Case.status.type))
    if shape.manager:
        manager = bindparam("manager", type_=Case.responsible_case_manager_id.type)
        clauses.append(Case.responsible_case_manager_id == manager)
    if shape.review_overdue is not None:
        today = bindparam("today", type_=Case.next_review_due.type)
        overdue = and_(Case.status == CaseStatus.ADMITTED, Case.next_review_due < today)
        clauses.append(_is(overdue, shape.review_overdue))
    if shape.past_two_years is not None:
        limit = bindparam("limit_day", type_=Case.admitted_on.type)
        past = and_(Case.status == CaseStatus.ADMITTED, Case.admitted_on <= limit)
        clauses.append(_is(past, shape.past_two_years))
    return clauses


def _is(condition: ColumnElement[bool], wanted: bool) -> ColumnElement[bool]:
    # Columns in the conditions can be NULL; compare the condition as a whole, NULL as false.
    return condition.is_(True) if wanted else not_(condition.is_(True))
