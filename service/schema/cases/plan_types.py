"""The integration plan (goals, sub-goals, activities with their steering outcomes), the
integration agreements built from it, reviews and after-care notes: under INTEGRATION_PLAN,
except the case manager's reasoning in words (a review's reasons and prognosis, after-care
notes), which is CASE_NOTES: the plan is shared with the client, those texts are not.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from service.cases.models import (
    AftercareNote,
    Case,
    CaseReview,
    IntegrationAgreement,
    PlanItem,
    PlanItemRevision,
)
from service.cases.vocabulary import PlanItemKind
from service.policy.categories import DataCategory
from service.policy.guard import GuardTag, personal_field, personal_type
from service.schema.cases import enums
from service.schema.cases.common import StaffMember, staff_member, tag
from service.schema.cases.dataloaders import RevisionsByPlanItemLoader
from service.schema.context import Info
from service.schema.dataloaders import StaffByIdLoader

PLAN = DataCategory.INTEGRATION_PLAN
NOTES = DataCategory.CASE_NOTES  # the case manager's reasoning, not the plan shared with the client


@personal_type(name="StepOutcome", description="Ergebnis der Fallsteuerung.")
class OutcomeNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[PlanItem]

    @personal_field(PLAN, description="Erfolgreich / nicht erfolgreich abgeschlossen.")
    def result(self) -> enums.Outcome | None:
        return enums.Outcome(self.row.outcome)

    @personal_field(PLAN, description="Erreicht am / beendet am.")
    def on(self) -> date | None:
        return self.row.outcome_on

    @personal_field(PLAN, description="Begründung.")
    def reason(self) -> str | None:
        return self.row.outcome_reason


def _outcome(guard: GuardTag, row: PlanItem) -> OutcomeNode | None:
    return None if row.outcome is None else OutcomeNode(guard=guard, row=row)


@personal_type(
    name="PlanItemRevision",
    description="Frühere Fassung eines Planschritts (Fortschreibung): wie er vor der Änderung "
    "stand, und warum er geändert wurde.",
)
class RevisionNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[PlanItemRevision]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN, description="Was geändert wurde.")
    def change(self) -> enums.PlanChange | None:
        return enums.PlanChange(self.row.change)

    @personal_field(PLAN, description="Grund der Änderung.")
    def reason(self) -> str | None:
        return self.row.reason

    @personal_field(PLAN)
    def changed_at(self) -> datetime | None:
        return self.row.changed_at

    @personal_field(PLAN)
    async def changed_by(self, info: Info) -> StaffMember | None:
        return staff_member(await info.context.loader(StaffByIdLoader).load(self.row.changed_by_id))

    @personal_field(PLAN, description="Titel vor der Änderung.")
    def title(self) -> str | None:
        return self.row.title

    @personal_field(PLAN, description="Ressourcen vor der Änderung (Ziele).")
    def resources(self) -> str | None:
        return self.row.resources

    @personal_field(PLAN, description="Zieltermin vor der Änderung.")
    def target_date(self) -> date | None:
        return self.row.target_date

    @personal_field(PLAN, description="Verantwortlich vor der Änderung (Aktivitäten).")
    def responsible(self) -> enums.ResponsibleParty | None:
        value = self.row.responsible
        return None if value is None else enums.ResponsibleParty(value)

    @personal_field(PLAN, description="Netzwerkpartner vor der Änderung, falls einer.")
    def partner_organisation_id(self) -> strawberry.ID | None:
        partner = self.row.partner_organisation_id
        return None if partner is None else strawberry.ID(str(partner))

    @personal_field(PLAN, description="Ergebnis vor der Änderung.")
    def outcome(self) -> enums.Outcome | None:
        return None if self.row.outcome is None else enums.Outcome(self.row.outcome)

    @personal_field(PLAN, description="Ergebnis erreicht / beendet am, vor der Änderung.")
    def outcome_on(self) -> date | None:
        return self.row.outcome_on

    @personal_field(PLAN, description="Begründung des Ergebnisses vor der Änderung.")
    def outcome_reason(self) -> str | None:
        return self.row.outcome_reason


async def _history(info: Info, guard: GuardTag, item: PlanItem) -> list[RevisionNode]:
    rows = await info.context.loader(RevisionsByPlanItemLoader).load(item.id)
    return [
        RevisionNode(
            guard=guard._replace(object_type="plan_item_revision", object_id=row.id), row=row
        )
        for row in rows
    ]


WITHDRAWN = "Zurückgenommen am (Fortschreibung); sonst leer."
HISTORY = "Frühere Fassungen mit dem Grund der Änderung, älteste zuerst."


@personal_type(name="Activity", description="Aktivität mit Verantwortlichem und Zieltermin.")
class ActivityNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[PlanItem]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN)
    def title(self) -> str | None:
        return self.row.title

    @personal_field(PLAN)
    def responsible(self) -> enums.ResponsibleParty | None:
        return enums.ResponsibleParty(self.row.responsible)

    @personal_field(PLAN, description="The network partner responsible, if one is.")
    def partner_organisation_id(self) -> strawberry.ID | None:
        partner = self.row.partner_organisation_id
        return None if partner is None else strawberry.ID(str(partner))

    @personal_field(PLAN, description="Zieltermin.")
    def target_date(self) -> date | None:
        return self.row.target_date

    @personal_field(PLAN, description=WITHDRAWN)
    def withdrawn_on(self) -> date | None:
        return self.row.withdrawn_on

    @personal_field(PLAN, description=HISTORY)
    async def history(self, info: Info) -> list[RevisionNode] | None:
        return await _history(info, self.guard, self.row)

    @personal_field(PLAN)
    def outcome(self) -> OutcomeNode | None:
        return _outcome(self.guard, self.row)


@personal_type(name="SubGoal", description="Teilziel mit Zieltermin.")
class SubGoalNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[PlanItem]
    children: strawberry.Private[list[ActivityNode]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN)
    def title(self) -> str | None:
        return self.row.title

    @personal_field(PLAN, description="Zieltermin.")
    def target_date(self) -> date | None:
        return self.row.target_date

    @personal_field(PLAN, description=WITHDRAWN)
    def withdrawn_on(self) -> date | None:
        return self.row.withdrawn_on

    @personal_field(PLAN, description=HISTORY)
    async def history(self, info: Info) -> list[RevisionNode] | None:
        return await _history(info, self.guard, self.row)

    @personal_field(PLAN)
    def outcome(self) -> OutcomeNode | None:
        return _outcome(self.guard, self.row)

    @strawberry.field
    def activities(self) -> list[ActivityNode]:
        return self.children


@personal_type(name="Goal", description="Ziel des Integrationsplans.")
class GoalNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[PlanItem]
    sub_goal_nodes: strawberry.Private[list[SubGoalNode]]
    activity_nodes: strawberry.Private[list[ActivityNode]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN)
    def title(self) -> str | None:
        return self.row.title

    @personal_field(PLAN, description="Ressourcen / Einschränkungen.")
    def resources(self) -> str | None:
        return self.row.resources

    @personal_field(PLAN, description="Zieltermin, falls gesetzt.")
    def target_date(self) -> date | None:
        return self.row.target_date

    @personal_field(PLAN, description=WITHDRAWN)
    def withdrawn_on(self) -> date | None:
        return self.row.withdrawn_on

    @personal_field(PLAN, description=HISTORY)
    async def history(self, info: Info) -> list[RevisionNode] | None:
        return await _history(info, self.guard, self.row)

    @personal_field(PLAN)
    def outcome(self) -> OutcomeNode | None:
        return _outcome(self.guard, self.row)

    @strawberry.field
    def sub_goals(self) -> list[SubGoalNode]:
        return self.sub_goal_nodes

    @strawberry.field(description="Activities directly under the goal (not under a sub-goal).")
    def activities(self) -> list[ActivityNode]:
        return self.activity_nodes


def goal_nodes(case: Case, guard: GuardTag, items: list[PlanItem]) -> list[GoalNode]:
    """The plan as a tree, from the one list of a case's plan items."""

    def node_tag(row: PlanItem) -> GuardTag:
        return tag(case, guard.access, "plan_item", row.id)

    def activities_under(parent: PlanItem) -> list[ActivityNode]:
        return [
            ActivityNode(guard=node_tag(row), row=row)
            for row in items
            if row.kind == PlanItemKind.ACTIVITY and (row.sub_goal_id or row.goal_id) == parent.id
        ]

    def sub_goals_of(goal: PlanItem) -> list[SubGoalNode]:
        return [
            SubGoalNode(guard=node_tag(row), row=row, children=activities_under(row))
            for row in items
            if row.kind == PlanItemKind.SUB_GOAL and row.goal_id == goal.id
        ]

    return [
        GoalNode(
            guard=node_tag(row),
            row=row,
            sub_goal_nodes=sub_goals_of(row),
            activity_nodes=activities_under(row),
        )
        for row in items
        if row.kind == PlanItemKind.GOAL
    ]


@personal_type(
    name="IntegrationAgreement",
    description="Eingliederungsvereinbarung: nummerierte, unveränderliche Fassung des Plans.",
)
class AgreementNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[IntegrationAgreement]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN, description="Laufende Nummer der Fassung, ab 1.")
    def number(self) -> int | None:
        return self.row.number

    @personal_field(PLAN, description="Gültig ab.")
    def valid_from(self) -> date | None:
        return self.row.valid_from

    @personal_field(PLAN, description="Gültig bis.")
    def valid_until(self) -> date | None:
        return self.row.valid_until

    @personal_field(PLAN)
    def concluded_at(self) -> datetime | None:
        return self.row.concluded_at

    @personal_field(PLAN, description="The plan as it stood: goals with sub-goals, activities.")
    def plan(self) -> JSON | None:
        return self.row.plan


@personal_type(name="CaseReview", description="Überprüfung der Fortführung (alle sechs Monate).")
class ReviewNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[CaseReview]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(PLAN)
    def reviewed_on(self) -> date | None:
        return self.row.reviewed_on

    @personal_field(NOTES, description="Gründe für die Fortführung.")
    def reasoning(self) -> str | None:
        return self.row.reasoning

    @personal_field(NOTES, description="Prognostizierte Erfolgsaussichten.")
    def prognosis(self) -> str | None:
        return self.row.prognosis

    @personal_field(PLAN)
    def profile_before(self) -> enums.Profile | None:
        return None if self.row.profile_before is None else enums.Profile(self.row.profile_before)

    @personal_field(PLAN)
    def profile_after(self) -> enums.Profile | None:
        return None if self.row.profile_after is None else enums.Profile(self.row.profile_after)

    @personal_field(PLAN)
    def next_review_due(self) -> date | None:
        return self.row.next_review_due


@personal_type(name="AftercareNote", description="Vermerk der nachgehenden Betreuung.")
class AftercareNoteNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[AftercareNote]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(NOTES)
    def text(self) -> str | None:
        return self.row.text

    @personal_field(PLAN)
    def created_at(self) -> datetime | None:
        return self.row.created_at

    @personal_field(PLAN)
    async def author(self, info: Info) -> StaffMember | None:
        return staff_member(await info.context.loader(StaffByIdLoader).load(self.row.author_id))
