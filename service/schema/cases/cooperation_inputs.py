"""Inputs of the Kooperationsplan mutations (limits checked in service/cases/cooperation.py)."""

from __future__ import annotations

import datetime

import strawberry

from service.schema.cases import enums
from service.schema.cases.cooperation_types import (
    ConciliationStatus,
    PlanPosition,
    PotentialItemKind,
    Requester,
)


@strawberry.input(description="Ein Punkt der Potenzialanalyse.")
class PotentialItemInput:
    kind: PotentialItemKind
    subcategory: enums.AssessmentSubcategory = strawberry.field(
        description="Thema; legt die Datenkategorie fest (ADDICTION: Suchtdaten, besondere "
        "Kategorie)."
    )
    text: str = strawberry.field(description="Höchstens 1000 Zeichen.")


@strawberry.input
class RecordPotentialAnalysisInput:
    case_id: strawberry.ID
    conducted_on: datetime.date
    items: list[PotentialItemInput]


@strawberry.input
class DrawUpCooperationPlanInput:
    case_id: strawberry.ID
    potential_analysis_id: strawberry.ID
    valid_from: datetime.date = strawberry.field(
        description="Nicht vor heute, nach dem Beginn jeder früheren Fassung."
    )
    plain_text: str = strawberry.field(
        description="Der Plan in verständlicher Sprache (höchstens 8000 Zeichen)."
    )


@strawberry.input
class RecordPlanPositionInput:
    plan_id: strawberry.ID
    position: PlanPosition
    note: str | None = strawberry.field(
        default=None, description="Begründung; bei Ablehnung erforderlich."
    )


@strawberry.input
class ReviewCooperationPlanInput:
    plan_id: strawberry.ID
    with_client: bool = strawberry.field(description="Gemeinsam mit der Kundin / dem Kunden.")
    notes: str
    next_review_due: datetime.date = strawberry.field(
        description="Nach heute, spätestens in sechs Monaten."
    )


@strawberry.input
class StartConciliationInput:
    plan_id: strawberry.ID = strawberry.field(description="Die abgelehnte Fassung.")
    requested_by: Requester
    subject: str


@strawberry.input
class EndConciliationInput:
    conciliation_id: strawberry.ID
    status: ConciliationStatus = strawberry.field(description="AGREED oder NOT_AGREED.")
    outcome: str


@strawberry.input
class IssueCooperationRequestInput:
    case_id: strawberry.ID
    action: str = strawberry.field(description="Die verlangte Mitwirkungshandlung.")
    due_on: datetime.date
    legal_consequences: str = strawberry.field(description="Die Rechtsfolgenbelehrung.")
    plan_id: strawberry.ID | None = None
