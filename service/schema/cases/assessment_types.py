"""The assessment of a case: entries grouped by data category, each list under its own
category, so a consent can open the debts without the health entries."""

from __future__ import annotations

from datetime import datetime

import strawberry

from service.cases.models import AssessmentEntry, Case
from service.policy.categories import DataCategory
from service.policy.guard import ROW_CATEGORY, GuardTag, personal_field, personal_type
from service.schema.cases import enums
from service.schema.cases.common import tag
from service.schema.cases.dataloaders import AssessmentEntriesByCaseLoader
from service.schema.context import Info
from service.schema.stored import member_of


@personal_type(
    name="AssessmentEntry",
    description="Ein Eintrag des Assessments (Stärke/Ressource oder Stabilisierungsbedarf).",
)
class AssessmentEntryNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[AssessmentEntry]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(ROW_CATEGORY)
    def kind(self) -> enums.AssessmentKind | None:
        return member_of(enums.AssessmentKind, self.row.kind)

    @personal_field(ROW_CATEGORY)
    def category(self) -> enums.AssessmentCategory | None:
        return member_of(enums.AssessmentCategory, self.row.category)

    @personal_field(ROW_CATEGORY)
    def subcategory(self) -> enums.AssessmentSubcategory | None:
        return member_of(enums.AssessmentSubcategory, self.row.subcategory)

    @personal_field(ROW_CATEGORY, description="Betreff.")
    def subject(self) -> str | None:
        return self.row.subject

    @personal_field(ROW_CATEGORY)
    def detail(self) -> str | None:
        return self.row.detail

    @personal_field(ROW_CATEGORY, description="Aktualisiert am.")
    def updated_at(self) -> datetime | None:
        return self.row.updated_at

    @personal_field(ROW_CATEGORY, description="Set when a re-assessment replaced this entry.")
    def superseded_at(self) -> datetime | None:
        return self.row.superseded_at


def entry_node(case: Case, node_guard: GuardTag, row: AssessmentEntry) -> AssessmentEntryNode:
    category = DataCategory(row.data_category)
    return AssessmentEntryNode(
        guard=tag(case, node_guard.access, "assessment_entry", row.id, category), row=row
    )


async def _entries(
    node: AssessmentNode, info: Info, category: DataCategory, include_history: bool
) -> list[AssessmentEntryNode]:
    rows = await info.context.loader(AssessmentEntriesByCaseLoader).load(node.case.id)
    return [
        entry_node(node.case, node.guard, row)
        for row in rows
        if row.data_category == category and (include_history or row.superseded_at is None)
    ]


@personal_type(name="Assessment", description="Das Assessment eines Falls, nach Datenkategorie.")
class AssessmentNode:
    guard: strawberry.Private[GuardTag]
    case: strawberry.Private[Case]

    @personal_field(DataCategory.ASSESSMENT_QUALIFICATION)
    async def qualification(
        self, info: Info, include_history: bool = False
    ) -> list[AssessmentEntryNode] | None:
        return await _entries(self, info, DataCategory.ASSESSMENT_QUALIFICATION, include_history)

    @personal_field(DataCategory.ASSESSMENT_CIRCUMSTANCES)
    async def circumstances(
        self, info: Info, include_history: bool = False
    ) -> list[AssessmentEntryNode] | None:
        return await _entries(self, info, DataCategory.ASSESSMENT_CIRCUMSTANCES, include_history)

    @personal_field(DataCategory.ASSESSMENT_FINANCES)
    async def finances(
        self, info: Info, include_history: bool = False
    ) -> list[AssessmentEntryNode] | None:
        return await _entries(self, info, DataCategory.ASSESSMENT_FINANCES, include_history)

    @personal_field(DataCategory.ASSESSMENT_HOUSING)
    async def housing(
        self, info: Info, include_history: bool = False
    ) -> list[AssessmentEntryNode] | None:
        return await _entries(self, info, DataCategory.ASSESSMENT_HOUSING, include_history)

    @personal_field(DataCategory.ASSESSMENT_HEALTH)
    async def health(
        self, info: Info, include_history: bool = False
    ) -> list[AssessmentEntryNode] | None:
        return await _entries(self, info, DataCategory.ASSESSMENT_HEALTH, include_history)

    @personal_field(DataCategory.ASSESSMENT_ADDICTION)
    async def addiction(
        self, info: Info, include_history: bool = False
    ) -> list[AssessmentEntryNode] | None:
        return await _entries(self, info, DataCategory.ASSESSMENT_ADDICTION, include_history)
