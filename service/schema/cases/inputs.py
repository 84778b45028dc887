"""Inputs of the case mutations. Text limits are checked by the service (service/cases/rules.py)
so that every portal gets the same typed error."""

from __future__ import annotations

import datetime

import strawberry

from service.schema.cases import enums


@strawberry.input(description="Ein aus dem Profiling übernommener Punkt.")
class ProfilingItemInput:
    category: enums.ProfilingCategory
    detail: str = strawberry.field(description="Höchstens 500 Zeichen.")
    subcategory: enums.AssessmentSubcategory | None = strawberry.field(
        default=None,
        description="What the item is about, where its group says too little: its data "
        "category follows (ADDICTION: addiction data). Items on capacity are health data "
        "without one.",
    )


@strawberry.input
class ProposeCaseInput:
    client_id: strawberry.ID
    profile: enums.Profile
    profiling_items: list[ProfilingItemInput]
    intake_reasoning: str = strawberry.field(description="Zugangsbegründung, höchstens 1500.")
    case_manager_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Zuständige Fachkraft; ohne Angabe die vorschlagende Fachkraft im "
        "Fallmanagement, sonst weist die Teamleitung zu.",
    )


@strawberry.input
class DecideIntakeInput:
    case_id: strawberry.ID
    admit: bool = strawberry.field(description="In das Fallmanagement übernehmen oder nicht.")
    care_variant: enums.CareVariant | None = strawberry.field(
        default=None, description="Required when admitting."
    )
    reasoning: str = strawberry.field(
        description="Entscheidungsbegründung (höchstens 1000) oder Grund der Ablehnung."
    )


@strawberry.input
class CaseFilterInput:
    status: enums.CaseStatus | None = None
    responsible_case_manager_id: strawberry.ID | None = None
    review_overdue: bool | None = None
    past_two_years: bool | None = None


@strawberry.input
class AddAssessmentEntryInput:
    case_id: strawberry.ID
    kind: enums.AssessmentKind
    subcategory: enums.AssessmentSubcategory
    subject: str
    detail: str | None = None


@strawberry.input
class ReassessEntryInput:
    entry_id: strawberry.ID
    kind: enums.AssessmentKind
    subject: str
    detail: str | None = None


@strawberry.input
class AddGoalInput:
    case_id: strawberry.ID
    title: str
    resources: str | None = strawberry.field(
        default=None, description="Ressourcen / Einschränkungen."
    )
    target_date: datetime.date | None = strawberry.field(
        default=None, description="Zieltermin: bis wann das Ziel erreicht sein soll."
    )


@strawberry.input
class AddSubGoalInput:
    goal_id: strawberry.ID
    title: str
    target_date: datetime.date


@strawberry.input
class AddActivityInput:
    parent_id: strawberry.ID = strawberry.field(description="A goal or a sub-goal.")
    title: str
    responsible: enums.ResponsibleParty
    target_date: datetime.date
    partner_organisation_id: strawberry.ID | None = None


@strawberry.input
class RecordOutcomeInput:
    item_id: strawberry.ID = strawberry.field(description="A goal, sub-goal or activity.")
    outcome: enums.Outcome
    on: datetime.date
    reason: str | None = strawberry.field(
        default=None, description="Begründung; required when not achieved."
    )


@strawberry.input(description="Fortschreibung: was weggelassen wird, bleibt.")
class EditPlanItemInput:
    item_id: strawberry.ID = strawberry.field(description="A goal, sub-goal or activity.")
    reason: str = strawberry.field(description="Grund der Änderung, höchstens 1000 Zeichen.")
    title: str | None = None
    resources: str | None = strawberry.field(
        default=None, description="Goals only; an empty text clears them."
    )
    responsible: enums.ResponsibleParty | None = strawberry.field(
        default=None, description="Activities only."
    )
    partner_organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="With responsible NETWORK_PARTNER, and only then."
    )


@strawberry.input
class RedatePlanItemInput:
    item_id: strawberry.ID
    target_date: datetime.date = strawberry.field(description="Today or later.")
    reason: str = strawberry.field(description="Grund der Änderung, höchstens 1000 Zeichen.")


@strawberry.input
class WithdrawPlanItemInput:
    item_id: strawberry.ID = strawberry.field(
        description="A goal or sub-goal withdraws the open items under it too."
    )
    reason: str = strawberry.field(description="Grund der Rücknahme, höchstens 1000 Zeichen.")


@strawberry.input
class CorrectOutcomeInput:
    item_id: strawberry.ID
    outcome: enums.Outcome
    on: datetime.date
    reason: str = strawberry.field(description="Grund der Berichtigung, höchstens 1000 Zeichen.")
    outcome_reason: str | None = strawberry.field(
        default=None, description="Begründung des Ergebnisses; required when not achieved."
    )


@strawberry.input
class ConcludeAgreementInput:
    case_id: strawberry.ID
    valid_from: datetime.date
    valid_until: datetime.date


@strawberry.input
class RecordReviewInput:
    case_id: strawberry.ID
    reasoning: str = strawberry.field(description="Gründe für die Fortführung.")
    prognosis: str = strawberry.field(description="Prognostizierte Erfolgsaussichten.")
    profile: enums.Profile | None = strawberry.field(
        default=None, description="The profile now, if it changed."
    )


@strawberry.input
class CloseCaseInput:
    case_id: strawberry.ID
    reason: enums.ClosingReason
    reasoning: str
    retrospective: str = strawberry.field(
        description="Retrospektive Bewertung im Abschlussgespräch (domain/004), höchstens 4000."
    )
    prospective: str = strawberry.field(
        description="Prospektive Bewertung: wie es weitergeht, höchstens 4000."
    )
    client_took_part: bool = strawberry.field(
        description="Ob die Kundin / der Kunde am Abschlussgespräch teilgenommen hat."
    )
    aftercare_until: datetime.date | None = None
    handover_to_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Rückgabe an die Arbeitsvermittlung: eine aktive Fachkraft der AV.",
    )


@strawberry.input
class AddAftercareNoteInput:
    case_id: strawberry.ID
    note: str


@strawberry.input
class AssignCaseManagerInput:
    case_id: strawberry.ID
    case_manager_id: strawberry.ID


@strawberry.input
class RegisterDeputyInput:
    case_id: strawberry.ID
    deputy_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null removes the deputy."
    )


@strawberry.input
class AddDocumentInput:
    case_id: strawberry.ID
    title: str
    area: enums.DocumentArea
    media_type: str
    content_base64: str = strawberry.field(description="The content, base64; at most 5 MB.")
    access_until: datetime.date | None = None
    visible_to_client: bool = False
    data_category: str | None = strawberry.field(
        default=None,
        description="What the document is, as a data category key (`dataCategories`): e.g. "
        "assessment_health for an Attest or Befundbericht (special category: reaches a partner "
        "only under explicit consent). Default: documents, or protected_documents in the "
        "protected area.",
    )
