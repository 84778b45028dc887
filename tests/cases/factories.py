"""Case factories: rows written as the owner with the jobcenter bound (as tests/factories.py
does), for states a test needs without walking every step through the API (cases admitted two
years ago, documents past their access-until date)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.models import AssessmentEntry, Case, CaseDocument, CaseStatus, ProfilingItem
from service.cases.vocabulary import (
    SUBCATEGORIES,
    AssessmentKind,
    AssessmentSubcategory,
    ProfilingCategory,
    profiling_data_category,
)
from tests.factories import Factories, Jobcenter, Person


class CaseFactories:
    def __init__(self, factories: Factories) -> None:
        self.engine = factories.engine

    async def _add(self, jobcenter: Jobcenter, *rows: object) -> None:
        async with AsyncSession(self.engine, expire_on_commit=False) as session, session.begin():
            await session.execute(
                text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(jobcenter.id)}
            )
            session.add_all(rows)

    async def case(
        self,
        jobcenter: Jobcenter,
        client: Person,
        *,
        case_manager: Person | None = None,
        deputy: Person | None = None,
        proposer: Person | None = None,
        status: CaseStatus = CaseStatus.ADMITTED,
        admitted_days_ago: int = 30,
        review_due_in_days: int = 150,
    ) -> uuid.UUID:
        today = date.today()
        admitted = status in (CaseStatus.ADMITTED, CaseStatus.CLOSED)
        case = Case(
            tenant_id=jobcenter.id,
            id=uuid.uuid4(),
            client_id=client.id,
            status=status,
            responsible_case_manager_id=case_manager.id if case_manager else None,
            deputy_case_manager_id=deputy.id if deputy else None,
            proposed_by_id=(proposer or case_manager).id if (proposer or case_manager) else None,
            profile="stabilisation",
            intake_reasoning="Mehrere Vermittlungshemmnisse (Testfall).",
            care_variant="full_handover" if admitted else None,
            admitted_on=today - timedelta(days=admitted_days_ago) if admitted else None,
            next_review_due=(
                today + timedelta(days=review_due_in_days)
                if status == CaseStatus.ADMITTED
                else None
            ),
            version=1,
        )
        await self._add(jobcenter, case)
        return case.id

    async def entry(
        self,
        jobcenter: Jobcenter,
        case_id: uuid.UUID,
        author: Person,
        subcategory: AssessmentSubcategory,
        subject: str = "Testeintrag",
    ) -> uuid.UUID:
        category, data_category = SUBCATEGORIES[subcategory]
        entry = AssessmentEntry(
            tenant_id=jobcenter.id,
            id=uuid.uuid4(),
            case_id=case_id,
            kind=AssessmentKind.STABILISATION_NEED,
            category=category,
            subcategory=subcategory,
            data_category=data_category,
            subject=subject,
            recorded_by_id=author.id,
        )
        await self._add(jobcenter, entry)
        return entry.id

    async def document(
        self,
        jobcenter: Jobcenter,
        case_id: uuid.UUID,
        author: Person,
        *,
        access_until: date | None,
        content: bytes = b"Gutachten",
        area: str = "protected",
        data_category: str = "protected_documents",
        title: str = "Gutachten",
    ) -> uuid.UUID:
        document = CaseDocument(
            tenant_id=jobcenter.id,
            id=uuid.uuid4(),
            case_id=case_id,
            title=title,
            area=area,
            data_category=data_category,
            author_id=author.id,
            access_until=access_until,
            visible_to_client=False,
            media_type="text/plain",
            size_bytes=len(content),
            content=content,
        )
        await self._add(jobcenter, document)
        return document.id

    async def profiling_item(
        self,
        jobcenter: Jobcenter,
        case_id: uuid.UUID,
        category: ProfilingCategory,
        detail: str,
        subcategory: AssessmentSubcategory | None = None,
        position: int = 0,
    ) -> uuid.UUID:
        """Classified as the service classifies it (vocabulary.profiling_data_category)."""
        item = ProfilingItem(
            tenant_id=jobcenter.id,
            id=uuid.uuid4(),
            case_id=case_id,
            position=position,
            category=category,
            subcategory=subcategory,
            data_category=profiling_data_category(category, subcategory),
            detail=detail,
        )
        await self._add(jobcenter, item)
        return item.id
