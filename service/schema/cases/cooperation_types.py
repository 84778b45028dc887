"""The Kooperationsplan in the API (§§ 15, 15a SGB II since 2023): Potenzialanalyse, the plan's
versions with their legal basis, joint reviews, Schlichtung and requests with advice on legal
consequences. All under INTEGRATION_PLAN, except the analysis' items, which take the category
of what they say (like profiling items): a need on addiction is addiction data."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from service.cases import cooperation_vocabulary as words
from service.cases.cooperation import in_effect_until
from service.cases.cooperation_models import (
    Conciliation,
    CooperationPlan,
    CooperationPlanReview,
    CooperationRequest,
    PotentialAnalysis,
    PotentialAnalysisItem,
)
from service.cases.models import Case
from service.policy.categories import DataCategory
from service.policy.guard import ROW_CATEGORY, GuardTag, personal_field, personal_type
from service.schema.cases import enums
from service.schema.cases.common import StaffMember, staff_member, tag, today
from service.schema.cases.dataloaders import PlanReviewsByCaseLoader, PotentialItemsByCaseLoader
from service.schema.context import Info
from service.schema.dataloaders import StaffByIdLoader

PLAN = DataCategory.INTEGRATION_PLAN

LegalBasis = strawberry.enum(
    words.LegalBasis,
    name="PlanLegalBasis",
    description="Rechtsgrundlage einer Fassung: KOOPERATIONSPLAN_2023 = Kooperationsplan nach "
    "§ 15 SGB II in der Fassung seit 1.7.2023; EINGLIEDERUNGSVEREINBARUNG = "
    "Eingliederungsvereinbarung nach § 15 SGB II a. F. (übernommen).",
)
PotentialItemKind = strawberry.enum(
    words.PotentialItemKind,
    name="PotentialItemKind",
    description="STRENGTH: Stärke/Fähigkeit; NEED: erschwerender Umstand; CLIENT_VIEW: Sicht "
    "der leistungsberechtigten Person.",
)
PlanPosition = strawberry.enum(
    words.PlanPosition,
    name="PlanPosition",
    description="Antwort der Kundin / des Kunden: PENDING offen, AGREED Einvernehmen, "
    "DISAGREED kein Einvernehmen (Schlichtung möglich, § 15a SGB II).",
)
ConciliationStatus = strawberry.enum(
    words.ConciliationStatus,
    name="ConciliationStatus",
    description="Schlichtungsverfahren: OPEN läuft; AGREED mit Einigung; NOT_AGREED ohne.",
)
Requester = strawberry.enum(
    words.Requester,
    name="ConciliationRequester",
    description="Wer die Schlichtung verlangt hat: Kundin/Kunde, Jobcenter oder beide.",
)


@personal_type(
    name="PotentialAnalysisItem",
    description="Ein Punkt der Potenzialanalyse, unter der Datenkategorie seines Inhalts.",
)
class PotentialItemNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[PotentialAnalysisItem]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(ROW_CATEGORY)
    def kind(self) -> PotentialItemKind | None:
        return words.PotentialItemKind(self.row.kind)

    @personal_field(ROW_CATEGORY, description="Thema; legt die Datenkategorie fest.")
    def subcategory(self) -> enums.AssessmentSubcategory | None:
        return enums.AssessmentSubcategory(self.row.subcategory)

    @personal_field(ROW_CATEGORY, description="Höchstens 1000 Zeichen.")
    def text(self) -> str | None:
        return self.row.text


@personal_type(name="PotentialAnalysis", description="Potenzialanalyse (§ 15 Abs. 1 SGB II).")
class PotentialAnalysisNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[PotentialAnalysis]
    case: strawberry.Private[Case]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN, description="Durchgeführt am.")
    def conducted_on(self) -> date | None:
        return self.row.conducted_on

    @personal_field(PLAN)
    async def conducted_by(self, info: Info) -> StaffMember | None:
        return staff_member(
            await info.context.loader(StaffByIdLoader).load(self.row.conducted_by_id)
        )

    @personal_field(PLAN, description="Stärken, erschwerende Umstände und die eigene Sicht.")
    async def items(self, info: Info) -> list[PotentialItemNode] | None:
        rows = await info.context.loader(PotentialItemsByCaseLoader).load(self.case.id)
        return [
            PotentialItemNode(
                guard=tag(
                    self.case,
                    self.guard.access,
                    "potential_analysis_item",
                    row.id,
                    DataCategory(row.data_category),
                ),
                row=row,
            )
            for row in rows
            if row.analysis_id == self.row.id
        ]


@personal_type(name="CooperationPlanReview", description="Gemeinsame Überprüfung (§ 15 Abs. 3).")
class PlanReviewNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[CooperationPlanReview]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN)
    def reviewed_on(self) -> date | None:
        return self.row.reviewed_on

    @personal_field(PLAN, description="Gemeinsam mit der Kundin / dem Kunden.")
    def with_client(self) -> bool | None:
        return self.row.with_client

    @personal_field(PLAN)
    def notes(self) -> str | None:
        return self.row.notes

    @personal_field(PLAN)
    def next_review_due(self) -> date | None:
        return self.row.next_review_due


@personal_type(
    name="CooperationPlan",
    description="Eine Fassung des mit der Kundin / dem Kunden geteilten Plans, mit ihrer "
    "Rechtsgrundlage: Kooperationsplan (§ 15 SGB II seit 2023; kein Vertrag, ohne "
    "Rechtsfolgenbelehrung) oder übernommene Eingliederungsvereinbarung.",
)
class CooperationPlanNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[CooperationPlan]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN, description="Laufende Nummer der Fassung, ab 1.")
    def number(self) -> int | None:
        return self.row.number

    @personal_field(PLAN)
    def kind(self) -> LegalBasis | None:
        return words.LegalBasis(self.row.legal_basis)

    @personal_field(PLAN, description='Rechtsgrundlage im Wortlaut, z. B. "SGB II § 15 (2023)".')
    def legal_basis(self) -> str | None:
        return self.row.legal_basis

    @personal_field(PLAN, description="Gilt ab (sobald vereinbart).")
    def valid_from(self) -> date | None:
        return self.row.valid_from

    @personal_field(PLAN, description="Geplantes Ende (nur Eingliederungsvereinbarungen).")
    def valid_until(self) -> date | None:
        return self.row.valid_until

    @personal_field(PLAN, description="Ab diesem Tag gilt die nächste vereinbarte Fassung.")
    def superseded_from(self) -> date | None:
        return self.row.superseded_from

    @personal_field(PLAN, description="Letzter Geltungstag; null: gilt bis zur Fortschreibung.")
    def in_effect_until(self) -> date | None:
        return in_effect_until(self.row)

    @personal_field(PLAN, description="Ob die Fassung heute gilt.")
    def in_effect(self, info: Info) -> bool | None:
        until = in_effect_until(self.row)
        day = today(info)
        return (
            self.row.client_position == words.PlanPosition.AGREED
            and self.row.valid_from <= day
            and (until is None or day <= until)
        )

    @personal_field(PLAN, description="Gemeinsame Überprüfung fällig am (spätestens 6 Monate).")
    def review_due(self) -> date | None:
        return self.row.review_due

    @personal_field(PLAN)
    def review_overdue(self, info: Info) -> bool | None:
        until = in_effect_until(self.row)
        day = today(info)
        current = until is None or day <= until
        return (
            current
            and self.row.client_position == words.PlanPosition.AGREED
            and self.row.review_due < day
        )

    @personal_field(
        PLAN,
        description="Der Plan in verständlicher Sprache, wie die Kundin / der Kunde ihn liest.",
    )
    def plain_text(self) -> str | None:
        return self.row.plain_text

    @personal_field(PLAN, description="Ziele, Teilziele und Aktivitäten, wie sie standen.")
    def plan(self) -> JSON | None:
        return self.row.plan

    @personal_field(PLAN)
    def potential_analysis_id(self) -> strawberry.ID | None:
        analysis = self.row.potential_analysis_id
        return None if analysis is None else strawberry.ID(str(analysis))

    @personal_field(PLAN)
    def client_position(self) -> PlanPosition | None:
        return words.PlanPosition(self.row.client_position)

    @personal_field(PLAN)
    def client_position_on(self) -> date | None:
        return self.row.client_position_on

    @personal_field(PLAN, description="Begründung, vor allem einer Ablehnung.")
    def client_position_note(self) -> str | None:
        return self.row.client_position_note

    @personal_field(PLAN, description="Erstellt am.")
    def created_at(self) -> datetime | None:
        return self.row.created_at

    @personal_field(PLAN, description="Gemeinsame Überprüfungen dieser Fassung, älteste zuerst.")
    async def reviews(self, info: Info) -> list[PlanReviewNode] | None:
        rows = await info.context.loader(PlanReviewsByCaseLoader).load(self.row.case_id)
        return [
            PlanReviewNode(guard=_child_tag(self.guard, "cooperation_plan_review", row.id), row=row)
            for row in rows
            if row.plan_id == self.row.id
        ]


def _child_tag(guard: GuardTag, object_type: str, object_id) -> GuardTag:
    return GuardTag(
        tenant_id=guard.tenant_id,
        subject_id=guard.subject_id,
        object_type=object_type,
        object_id=object_id,
        access=guard.access,
        category=None,
    )


@personal_type(name="Conciliation", description="Schlichtungsverfahren (§ 15a SGB II).")
class ConciliationNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[Conciliation]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN, description="Die abgelehnte Fassung.")
    def plan_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.row.plan_id))

    @personal_field(PLAN)
    def started_on(self) -> date | None:
        return self.row.started_on

    @personal_field(PLAN)
    def requested_by(self) -> Requester | None:
        return words.Requester(self.row.requested_by)

    @personal_field(PLAN, description="Worüber keine Einigung besteht.")
    def subject(self) -> str | None:
        return self.row.subject

    @personal_field(PLAN)
    def status(self) -> ConciliationStatus | None:
        return words.ConciliationStatus(self.row.status)

    @personal_field(PLAN)
    def ended_on(self) -> date | None:
        return self.row.ended_on

    @personal_field(PLAN, description="Ergebnis der Schlichtung.")
    def outcome(self) -> str | None:
        return self.row.outcome


@personal_type(
    name="CooperationRequest",
    description="Aufforderung zu einer Mitwirkungshandlung mit Rechtsfolgenbelehrung (§ 15 "
    "Abs. 5/6 SGB II): getrennt vom Plan, datiert, unveränderlich.",
)
class CooperationRequestNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[CooperationRequest]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN)
    def plan_id(self) -> strawberry.ID | None:
        plan = self.row.plan_id
        return None if plan is None else strawberry.ID(str(plan))

    @personal_field(PLAN, description="Erteilt am.")
    def issued_on(self) -> date | None:
        return self.row.issued_on

    @personal_field(PLAN, description="Was zu tun ist.")
    def action(self) -> str | None:
        return self.row.action

    @personal_field(PLAN, description="Bis wann.")
    def due_on(self) -> date | None:
        return self.row.due_on

    @personal_field(PLAN, description="Rechtsfolgenbelehrung, wie erteilt.")
    def legal_consequences(self) -> str | None:
        return self.row.legal_consequences

    @personal_field(PLAN)
    async def issued_by(self, info: Info) -> StaffMember | None:
        return staff_member(await info.context.loader(StaffByIdLoader).load(self.row.issued_by_id))
