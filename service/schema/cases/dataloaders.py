"""Per-request DataLoaders for case data, so a list of cases costs a constant number of queries.

One `CaseLoaders` per request, made on first use by the request context (`info.context.loader`)
and never shared between requests: their caches hold rows read under one actor's row-level-
security scope. They need no lock of their own: the request session queues concurrent
statements (service/db/engine.py, RequestSession).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from strawberry.dataloader import DataLoader

from service.cases.cooperation_models import (
    Conciliation,
    CooperationPlan,
    CooperationPlanReview,
    CooperationRequest,
    PotentialAnalysis,
    PotentialAnalysisItem,
)
from service.cases.models import (
    AftercareNote,
    AssessmentEntry,
    Case,
    CaseDocument,
    CaseReview,
    IntegrationAgreement,
    PlanItem,
    ProfilingItem,
)
from service.clients.models import Client
from service.schema.context import Info
from service.staff.models import StaffUser

T = TypeVar("T")


class CaseLoaders:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.client_by_id = DataLoader(self._by_id(Client))
        self.staff_by_id = DataLoader(self._by_id(StaffUser))
        self.profiling_items_by_case = DataLoader(
            self._by_case(ProfilingItem, ProfilingItem.position)
        )
        self.assessment_entries_by_case = DataLoader(
            self._by_case(AssessmentEntry, AssessmentEntry.updated_at)
        )
        self.plan_items_by_case = DataLoader(self._by_case(PlanItem, PlanItem.created_at))
        self.agreements_by_case = DataLoader(
            self._by_case(IntegrationAgreement, IntegrationAgreement.number)
        )
        self.reviews_by_case = DataLoader(self._by_case(CaseReview, CaseReview.reviewed_on))
        self.aftercare_notes_by_case = DataLoader(
            self._by_case(AftercareNote, AftercareNote.created_at)
        )
        # Document lists without their content: only a read of `content` fetches the bytes.
        self.documents_by_case = DataLoader(
            self._by_case(CaseDocument, CaseDocument.created_at, defer(CaseDocument.content))
        )
        self.document_content_by_id = DataLoader(self._content_by_id)
        # Kooperationsplan (service/cases/cooperation.py)
        self.potential_analyses_by_case = DataLoader(
            self._by_case(PotentialAnalysis, PotentialAnalysis.conducted_on)
        )
        self.potential_items_by_case = DataLoader(
            self._by_case(PotentialAnalysisItem, PotentialAnalysisItem.position)
        )
        self.cooperation_plans_by_case = DataLoader(
            self._by_case(CooperationPlan, CooperationPlan.number)
        )
        self.plan_reviews_by_case = DataLoader(
            self._by_case(CooperationPlanReview, CooperationPlanReview.created_at)
        )
        self.conciliations_by_case = DataLoader(
            self._by_case(Conciliation, Conciliation.created_at)
        )
        self.cooperation_requests_by_case = DataLoader(
            self._by_case(CooperationRequest, CooperationRequest.created_at)
        )

    def _by_id(self, model: Any) -> Callable[[list[uuid.UUID]], Any]:
        async def load(ids: list[uuid.UUID]) -> Sequence[Any]:
            rows = await self._session.scalars(select(model).where(model.id.in_(ids)))
            by_id = {row.id: row for row in rows}
            return [by_id.get(key) for key in ids]

        return load

    def _by_case(self, model: Any, order: Any, *options: Any) -> Callable[[list[uuid.UUID]], Any]:
        async def load(case_ids: list[uuid.UUID]) -> Sequence[list[Any]]:
            rows = await self._session.scalars(
                select(model)
                .where(model.case_id.in_(case_ids))
                .options(*options)
                .order_by(order, model.id)
            )
            by_case: dict[uuid.UUID, list[Any]] = defaultdict(list)
            for row in rows:
                by_case[row.case_id].append(row)
            return [by_case[key] for key in case_ids]

        return load

    async def _content_by_id(self, ids: list[uuid.UUID]) -> Sequence[bytes | None]:
        rows = await self._session.execute(
            select(CaseDocument.id, CaseDocument.content).where(CaseDocument.id.in_(ids))
        )
        by_id = {row_id: content for row_id, content in rows}
        return [by_id.get(key) for key in ids]

    def clear(self) -> None:
        for loader in vars(self).values():
            if isinstance(loader, DataLoader):
                loader.clear_all()


def case_loaders(info: Info) -> CaseLoaders:
    return info.context.loader(CaseLoaders)


async def prefetch_for_cases(info: Info, cases: Sequence[Case]) -> None:
    """Load the clients and staff a page of cases will show, one batch per loader, before its
    nodes resolve: their `client` and staff fields then resolve at once (`loaded`). Only what
    the query selects somewhere below the field (a superset of what the nodes ask for)."""
    names = _selected_names(info.selected_fields)
    loaders = case_loaders(info)
    pending = []
    if "client" in names:
        pending.append(loaders.client_by_id.load_many({case.client_id for case in cases}))
    staff_ids = {
        getattr(case, column)
        for field, column in _STAFF_FIELDS.items()
        if field in names
        for case in cases
    } - {None}
    if staff_ids:
        pending.append(loaders.staff_by_id.load_many(staff_ids))
    await asyncio.gather(*pending)


_STAFF_FIELDS = {
    "responsibleCaseManager": "responsible_case_manager_id",
    "deputyCaseManager": "deputy_case_manager_id",
}


def _selected_names(selections: Iterable[Any]) -> set[str]:
    names: set[str] = set()
    for selection in selections:
        names.add(getattr(selection, "name", ""))
        names |= _selected_names(selection.selections)
    return names


def loaded(loader: DataLoader, key: Any, build: Callable[[Any], T]) -> T | Awaitable[T]:
    """`build(row)` at once if the loader holds the row already (a page prefetched it), else an
    awaitable of it. graphql-core resolves a plain value in place; every awaitable costs it a
    task and a gather per object (≈ 7 % of a 50-case list's CPU, bench/RESULTS.md, sixth run)."""
    future = loader.cache_map.get(key)
    if future is not None and future.done() and future.exception() is None:
        return build(future.result())
    return _build_later(loader.load(key), build)


async def _build_later(row: Awaitable[Any], build: Callable[[Any], T]) -> T:
    return build(await row)


def reset_case_loaders(info: Info) -> None:
    """After a mutation: what was loaded before it may be stale."""
    case_loaders(info).clear()
