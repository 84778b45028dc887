"""The Case type and what hangs off it. Every object carries the Access the case was loaded with,
so the same types serve a case manager's view and (through a referral) a partner's view: the
guard decides field by field (DESIGN.md, invariant 1). Nested data comes from the per-request
loaders (dataloaders.py): a list of cases costs a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime

import strawberry

from service.cases.models import Case, CaseStatus, ProfilingItem
from service.cases.vocabulary import (
    CASE_DURATION_LIMIT_MONTHS,
    NEED_CATEGORIES,
    RULE_OF_THUMB_NEEDS,
)
from service.moments import add_months
from service.policy.categories import DataCategory
from service.policy.facts import Access
from service.policy.guard import ROW_CATEGORY, GuardTag, personal_field, personal_type
from service.schema.cases import enums
from service.schema.cases.assessment_types import AssessmentNode
from service.schema.cases.common import StaffMember, staff_member, tag, today
from service.schema.cases.cooperation_types import (
    ConciliationNode,
    CooperationPlanNode,
    CooperationRequestNode,
    PotentialAnalysisNode,
)
from service.schema.cases.dataloaders import (
    AftercareNotesByCaseLoader,
    AgreementsByCaseLoader,
    CaseReviewsByCaseLoader,
    ConciliationsByCaseLoader,
    CooperationPlansByCaseLoader,
    CooperationRequestsByCaseLoader,
    DocumentsByCaseLoader,
    PlanItemsByCaseLoader,
    PotentialAnalysesByCaseLoader,
    ProfilingItemsByCaseLoader,
)
from service.schema.cases.document_types import DocumentNode, document_node
from service.schema.cases.plan_types import (
    AftercareNoteNode,
    AgreementNode,
    GoalNode,
    ReviewNode,
    goal_nodes,
)
from service.schema.clients.types import ClientNode, client_node
from service.schema.context import Info
from service.schema.dataloaders import ClientByIdLoader, StaffByIdLoader, loaded
from service.schema.stored import member_of

STATUS = DataCategory.CASE_STATUS
INTAKE = DataCategory.INTAKE
PLAN = DataCategory.INTEGRATION_PLAN
CLOSURE = DataCategory.CASE_CLOSURE


@personal_type(
    name="ProfilingItem",
    description="Aus dem Profiling übernommener Punkt, unter der Datenkategorie seines Inhalts.",
)
class ProfilingItemNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[ProfilingItem]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(ROW_CATEGORY)
    def category(self) -> enums.ProfilingCategory | None:
        return enums.ProfilingCategory(self.row.category)

    @personal_field(ROW_CATEGORY)
    def subcategory(self) -> enums.AssessmentSubcategory | None:
        subcategory = self.row.subcategory
        return None if subcategory is None else enums.AssessmentSubcategory(subcategory)

    @personal_field(ROW_CATEGORY, description="Detail (höchstens 500 Zeichen).")
    def detail(self) -> str | None:
        return self.row.detail


def profiling_item_node(case: Case, access: Access, row: ProfilingItem) -> ProfilingItemNode:
    category = DataCategory(row.data_category)
    return ProfilingItemNode(guard=tag(case, access, "profiling_item", row.id, category), row=row)


@personal_type(name="Intake", description="Fallzugang und Übergabe in das Fallmanagement.")
class IntakeNode:
    guard: strawberry.Private[GuardTag]
    case: strawberry.Private[Case]

    @personal_field(INTAKE, description="Vorgemerkt am.")
    def proposed_at(self) -> datetime | None:
        return self.case.created_at

    @personal_field(INTAKE, description="Veranlasser der Übergabe.")
    def proposed_by(self, info: Info) -> StaffMember | None:
        return _staff(info, self.case.proposed_by_id)

    @personal_field(INTAKE)
    async def profiling_items(self, info: Info) -> list[ProfilingItemNode] | None:
        rows = await info.context.loader(ProfilingItemsByCaseLoader).load(self.case.id)
        return [profiling_item_node(self.case, self.guard.access, row) for row in rows]

    @personal_field(
        INTAKE,
        description="Handlungsbedarfe in Rahmenbedingungen und Leistungsfähigkeit, gezählt.",
    )
    async def needs_in_circumstances_and_capacity(self, info: Info) -> int | None:
        return await self._needs(info)

    @personal_field(
        INTAKE,
        description="Whether the rule of thumb holds (at least three needs in circumstances "
        "and/or capacity). Shown to help the decision; the service does not decide on it.",
    )
    async def rule_of_thumb_met(self, info: Info) -> bool | None:
        return await self._needs(info) >= RULE_OF_THUMB_NEEDS

    async def _needs(self, info: Info) -> int:
        rows = await info.context.loader(ProfilingItemsByCaseLoader).load(self.case.id)
        return sum(1 for row in rows if row.category in NEED_CATEGORIES)

    @personal_field(INTAKE, description="Zugangsbegründung (höchstens 1500 Zeichen).")
    def intake_reasoning(self) -> str | None:
        return self.case.intake_reasoning

    @personal_field(INTAKE)
    def decided_at(self) -> datetime | None:
        return self.case.decided_at

    @personal_field(INTAKE)
    def decided_by(self, info: Info) -> StaffMember | None:
        return _staff(info, self.case.decided_by_id)

    @personal_field(INTAKE, description="Entscheidungsbegründung (höchstens 1000 Zeichen).")
    def decision_reasoning(self) -> str | None:
        return self.case.decision_reasoning

    @personal_field(INTAKE, description="Grund, warum kein Zugang erfolgt.")
    def decline_reason(self) -> str | None:
        return self.case.decline_reason


def _staff(info: Info, staff_id) -> StaffMember | Awaitable[StaffMember | None] | None:
    if staff_id is None:
        return None
    return loaded(info.context.loader(StaffByIdLoader), staff_id, staff_member)


@personal_type(name="Case", description="Ein Fall im beschäftigungsorientierten Fallmanagement.")
class CaseNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[Case]

    @strawberry.field(description="Opaque id; not personal data by itself.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field(description="The client; each of their fields under its own category.")
    def client(self, info: Info) -> ClientNode:
        access = self.guard.access
        return loaded(
            info.context.loader(ClientByIdLoader),
            self.row.client_id,
            lambda row: client_node(row, access),
        )

    @personal_field(STATUS)
    def status(self) -> enums.CaseStatus | None:
        return member_of(enums.CaseStatus, self.row.status)

    @personal_field(STATUS, description="Increases with every change of the case.")
    def version(self) -> int | None:
        return self.row.version

    @personal_field(STATUS, description="Profillage.")
    def profile(self) -> enums.Profile | None:
        return None if self.row.profile is None else member_of(enums.Profile, self.row.profile)

    @personal_field(STATUS, description="Betreuungsform.")
    def care_variant(self) -> enums.CareVariant | None:
        variant = self.row.care_variant
        return None if variant is None else member_of(enums.CareVariant, variant)

    @personal_field(STATUS, description="Zuständige Fachkraft.")
    def responsible_case_manager(self, info: Info) -> StaffMember | None:
        return _staff(info, self.row.responsible_case_manager_id)

    @personal_field(STATUS, description="Vertretung (handelt nur mit Einwilligung).")
    def deputy_case_manager(self, info: Info) -> StaffMember | None:
        return _staff(info, self.row.deputy_case_manager_id)

    @personal_field(STATUS, description="Aufnahme ins Fallmanagement.")
    def admitted_on(self) -> date | None:
        return self.row.admitted_on

    @personal_field(STATUS, description="Nächste Überprüfung der Fortführung fällig am.")
    def next_review_due(self) -> date | None:
        return self.row.next_review_due

    @personal_field(STATUS)
    def review_overdue(self, info: Info) -> bool | None:
        due = self.row.next_review_due
        return self.row.status == CaseStatus.ADMITTED and due is not None and due < today(info)

    @personal_field(STATUS, description="Länger als zwei Jahre im Fallmanagement.")
    def past_two_years(self, info: Info) -> bool | None:
        admitted = self.row.admitted_on
        return (
            self.row.status == CaseStatus.ADMITTED
            and admitted is not None
            and admitted <= add_months(today(info), -CASE_DURATION_LIMIT_MONTHS)
        )

    @personal_field(STATUS, description="Fallabgang am.")
    def closed_on(self) -> date | None:
        return self.row.closed_on

    @personal_field(CLOSURE, description="Abgangsgrund.")
    def closing_reason(self) -> enums.ClosingReason | None:
        reason = self.row.closing_reason
        return None if reason is None else enums.ClosingReason(reason)

    @personal_field(STATUS, description="Nachbetreuung bis.")
    def aftercare_until(self) -> date | None:
        return self.row.aftercare_until

    @personal_field(DataCategory.CASE_NOTES, description="Begründung des Fallabgangs.")
    def closing_reasoning(self) -> str | None:
        return self.row.closing_reasoning

    @personal_field(DataCategory.CASE_NOTES, description="Abschlussgespräch: Rückblick.")
    def closing_retrospective(self) -> str | None:
        return self.row.closing_retrospective

    @personal_field(DataCategory.CASE_NOTES, description="Abschlussgespräch: Ausblick.")
    def closing_prospective(self) -> str | None:
        return self.row.closing_prospective

    @personal_field(
        DataCategory.CASE_NOTES, description="Kundin / Kunde nahm am Abschlussgespräch teil."
    )
    def client_took_part_in_closure(self) -> bool | None:
        return self.row.client_took_part_in_closure

    @personal_field(STATUS, description="Zurückgegeben an (Arbeitsvermittlung).")
    def handed_over_to(self, info: Info) -> StaffMember | None:
        return _staff(info, self.row.handed_over_to_id)

    @personal_field(STATUS, description="Zurückgegeben von.")
    def handed_over_by(self, info: Info) -> StaffMember | None:
        return _staff(info, self.row.handed_over_by_id)

    @personal_field(STATUS, description="Rückgabe an die Arbeitsvermittlung am.")
    def handed_over_at(self) -> datetime | None:
        return self.row.handed_over_at

    @strawberry.field
    def intake(self) -> IntakeNode:
        return IntakeNode(guard=self.guard, case=self.row)

    @strawberry.field
    def assessment(self) -> AssessmentNode:
        return AssessmentNode(guard=self.guard, case=self.row)

    @personal_field(PLAN, description="Integrationsplan: Ziele mit Teilzielen und Aktivitäten.")
    async def goals(self, info: Info) -> list[GoalNode] | None:
        items = await info.context.loader(PlanItemsByCaseLoader).load(self.row.id)
        return goal_nodes(self.row, self.guard, items)

    @personal_field(PLAN, description="Eingliederungsvereinbarungen, älteste zuerst.")
    async def agreements(self, info: Info) -> list[AgreementNode] | None:
        rows = await info.context.loader(AgreementsByCaseLoader).load(self.row.id)
        return [self._child(AgreementNode, "integration_agreement", row) for row in rows]

    @personal_field(PLAN, description="Potenzialanalysen (§ 15 Abs. 1 SGB II), älteste zuerst.")
    async def potential_analyses(self, info: Info) -> list[PotentialAnalysisNode] | None:
        rows = await info.context.loader(PotentialAnalysesByCaseLoader).load(self.row.id)
        return [
            PotentialAnalysisNode(
                guard=tag(self.row, self.guard.access, "potential_analysis", row.id),
                row=row,
                case=self.row,
            )
            for row in rows
        ]

    @personal_field(
        PLAN,
        description="Fassungen des Kooperationsplans (und übernommene "
        "Eingliederungsvereinbarungen), älteste zuerst; sie überschneiden sich nie.",
    )
    async def cooperation_plans(self, info: Info) -> list[CooperationPlanNode] | None:
        rows = await info.context.loader(CooperationPlansByCaseLoader).load(self.row.id)
        return [self._child(CooperationPlanNode, "cooperation_plan", row) for row in rows]

    @personal_field(PLAN, description="Schlichtungsverfahren (§ 15a SGB II).")
    async def conciliations(self, info: Info) -> list[ConciliationNode] | None:
        rows = await info.context.loader(ConciliationsByCaseLoader).load(self.row.id)
        return [self._child(ConciliationNode, "conciliation", row) for row in rows]

    @personal_field(PLAN, description="Aufforderungen mit Rechtsfolgenbelehrung.")
    async def cooperation_requests(self, info: Info) -> list[CooperationRequestNode] | None:
        rows = await info.context.loader(CooperationRequestsByCaseLoader).load(self.row.id)
        return [self._child(CooperationRequestNode, "cooperation_request", row) for row in rows]

    @personal_field(PLAN, description="Überprüfungen, älteste zuerst.")
    async def reviews(self, info: Info) -> list[ReviewNode] | None:
        rows = await info.context.loader(CaseReviewsByCaseLoader).load(self.row.id)
        return [self._child(ReviewNode, "case_review", row) for row in rows]

    @personal_field(PLAN, description="Vermerke der Nachbetreuung.")
    async def aftercare_notes(self, info: Info) -> list[AftercareNoteNode] | None:
        rows = await info.context.loader(AftercareNotesByCaseLoader).load(self.row.id)
        return [self._child(AftercareNoteNode, "aftercare_note", row) for row in rows]

    @personal_field(DataCategory.DOCUMENTS, description="Dokumentenverwaltung.")
    async def documents(self, info: Info) -> list[DocumentNode] | None:
        rows = await info.context.loader(DocumentsByCaseLoader).load(self.row.id)
        return [document_node(self.row, self.guard.access, row) for row in rows]

    def _child(self, node_type, object_type: str, row):
        return node_type(guard=tag(self.row, self.guard.access, object_type, row.id), row=row)


def case_node(row: Case, access: Access) -> CaseNode:
    """The case as seen by an actor standing in `access` to it (staff: service/cases/access.py;
    a partner: through a referral and its consent)."""
    return CaseNode(guard=tag(row, access, "case", row.id), row=row)
