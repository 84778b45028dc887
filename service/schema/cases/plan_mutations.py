"""Mutations of the plan that changes (service/cases/plan_changes.py): each unpacks its input
and calls one service function, in a savepoint like every case mutation; `expectedVersion` is
the case's, as for every step on the plan."""

from __future__ import annotations

import strawberry

from service.cases import plan_changes
from service.ids import parse_id, parse_optional_id
from service.schema.cases import inputs
from service.schema.cases.mutations import CasePayload, _run
from service.schema.context import Info
from service.schema.payloads import ExpectedVersion


@strawberry.type
class PlanChangesMutation:
    @strawberry.mutation(description="Fortschreibung: edit a goal, sub-goal or activity.")
    async def edit_plan_item(
        self, info: Info, input: inputs.EditPlanItemInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: plan_changes.edit_plan_item(
                caller,
                item_id=parse_id(input.item_id, "plan item"),
                reason=input.reason,
                title=input.title,
                resources=input.resources,
                responsible=input.responsible,
                partner_organisation_id=parse_optional_id(
                    input.partner_organisation_id, "partner organisation"
                ),
            ),
            expected_version,
        )

    @strawberry.mutation(description="Fortschreibung: give a plan item a new target date.")
    async def redate_plan_item(
        self,
        info: Info,
        input: inputs.RedatePlanItemInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: plan_changes.redate_plan_item(
                caller,
                item_id=parse_id(input.item_id, "plan item"),
                target_date=input.target_date,
                reason=input.reason,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Fortschreibung: withdraw a plan item (it stays, marked).")
    async def withdraw_plan_item(
        self,
        info: Info,
        input: inputs.WithdrawPlanItemInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: plan_changes.withdraw_plan_item(
                caller, item_id=parse_id(input.item_id, "plan item"), reason=input.reason
            ),
            expected_version,
        )

    @strawberry.mutation(description="Fallsteuerung: correct a recorded outcome, with a reason.")
    async def correct_outcome(
        self,
        info: Info,
        input: inputs.CorrectOutcomeInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: plan_changes.correct_outcome(
                caller,
                item_id=parse_id(input.item_id, "plan item"),
                outcome=input.outcome,
                on=input.on,
                reason=input.reason,
                outcome_reason=input.outcome_reason,
            ),
            expected_version,
        )
