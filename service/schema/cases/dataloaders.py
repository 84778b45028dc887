"""Per-request DataLoaders for case data, so a list of cases costs a constant number of queries.

One `CaseLoaders` per request, made on first use by the request context (`info.context.loader`)
and never shared between requests: their caches hold rows read under one actor's row-level-
security scope. They need no lock of their own: the request session queues concurrent
statements (service/db/engine.py, RequestSession).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer
from strawberry.dataloader import DataLoader

from service.cases.models import (
    AftercareNote,
    AssessmentEntry,
    CaseDocument,
    CaseReview,
    IntegrationAgreement,
    PlanItem,
    ProfilingItem,
)
from service.clients.models import Client
from service.schema.context import Info
from service.staff.models import StaffUser


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


def reset_case_loaders(info: Info) -> None:
    """After a mutation: what was loaded before it may be stale."""
    case_loaders(info).clear()
