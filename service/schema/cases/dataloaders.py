"""Per-request loaders of case data, so a list of cases costs a constant number of queries
(service/schema/dataloaders.py: one class per loader, made per request by the context)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
    PlanItemRevision,
    ProfilingItem,
)
from service.schema.context import Info
from service.schema.dataloaders import (
    ClientByIdLoader,
    RequestLoader,
    RowsByParentLoader,
    StaffByIdLoader,
    selected_names,
)


class _ByCaseLoader(RowsByParentLoader):
    parent = "case_id"


class ProfilingItemsByCaseLoader(_ByCaseLoader):
    model, order = ProfilingItem, (ProfilingItem.position,)


class AssessmentEntriesByCaseLoader(_ByCaseLoader):
    model, order = AssessmentEntry, (AssessmentEntry.updated_at,)


class PlanItemsByCaseLoader(_ByCaseLoader):
    model, order = PlanItem, (PlanItem.created_at,)


class RevisionsByPlanItemLoader(RowsByParentLoader):
    """A plan item's earlier versions, oldest first (its own index: ix_…_plan_item_id)."""

    parent = "plan_item_id"
    model, order = PlanItemRevision, (PlanItemRevision.changed_at,)


class AgreementsByCaseLoader(_ByCaseLoader):
    model, order = IntegrationAgreement, (IntegrationAgreement.number,)


class CaseReviewsByCaseLoader(_ByCaseLoader):
    model, order = CaseReview, (CaseReview.reviewed_on,)


class AftercareNotesByCaseLoader(_ByCaseLoader):
    model, order = AftercareNote, (AftercareNote.created_at,)


class DocumentsByCaseLoader(_ByCaseLoader):
    """Document lists without their content: only a read of `content` fetches the bytes."""

    model, order = CaseDocument, (CaseDocument.created_at,)
    omitted = frozenset({"content"})


class DocumentContentByIdLoader(RequestLoader[uuid.UUID, bytes | None]):
    @classmethod
    async def load_batch(
        cls, session: AsyncSession, ids: list[uuid.UUID]
    ) -> Sequence[bytes | None]:
        rows = await session.execute(
            select(CaseDocument.id, CaseDocument.content).where(CaseDocument.id.in_(ids))
        )
        by_id = {row_id: content for row_id, content in rows}
        return [by_id.get(key) for key in ids]


# Kooperationsplan (service/cases/cooperation.py)
class PotentialAnalysesByCaseLoader(_ByCaseLoader):
    model, order = PotentialAnalysis, (PotentialAnalysis.conducted_on,)


class PotentialItemsByCaseLoader(_ByCaseLoader):
    model, order = PotentialAnalysisItem, (PotentialAnalysisItem.position,)


class CooperationPlansByCaseLoader(_ByCaseLoader):
    model, order = CooperationPlan, (CooperationPlan.number,)


class PlanReviewsByCaseLoader(_ByCaseLoader):
    model, order = CooperationPlanReview, (CooperationPlanReview.created_at,)


class ConciliationsByCaseLoader(_ByCaseLoader):
    model, order = Conciliation, (Conciliation.created_at,)


class CooperationRequestsByCaseLoader(_ByCaseLoader):
    model, order = CooperationRequest, (CooperationRequest.created_at,)


async def prefetch_for_cases(info: Info, cases: Sequence[Case]) -> None:
    """Load the clients and staff a page of cases will show, one batch per loader, before its
    nodes resolve: their `client` and staff fields then resolve at once (`loaded`). Only what
    the query selects somewhere below the field (a superset of what the nodes ask for)."""
    names = selected_names(info.selected_fields)
    context = info.context
    pending = []
    if "client" in names:
        pending.append(
            context.loader(ClientByIdLoader).load_many({case.client_id for case in cases})
        )
    staff_ids = {
        getattr(case, column)
        for field, column in _STAFF_FIELDS.items()
        if field in names
        for case in cases
    } - {None}
    if staff_ids:
        pending.append(context.loader(StaffByIdLoader).load_many(staff_ids))
    await asyncio.gather(*pending)


_STAFF_FIELDS = {
    "responsibleCaseManager": "responsible_case_manager_id",
    "deputyCaseManager": "deputy_case_manager_id",
    "handedOverTo": "handed_over_to_id",
    "handedOverBy": "handed_over_by_id",
}
