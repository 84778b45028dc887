"""Mutations of the Kooperationsplan: each unpacks its input and calls one service function
(service/cases/cooperation.py), in a savepoint like every case mutation."""

from __future__ import annotations

import strawberry

from service.cases import cooperation
from service.ids import parse_id, parse_optional_id
from service.schema.cases import cooperation_inputs as inputs
from service.schema.cases.mutations import CasePayload, _run
from service.schema.context import Info
from service.schema.payloads import ExpectedVersion


@strawberry.type
class CooperationMutation:
    @strawberry.mutation(description="Potenzialanalyse: Stärken, Umstände, eigene Sicht.")
    async def record_potential_analysis(
        self,
        info: Info,
        input: inputs.RecordPotentialAnalysisInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: cooperation.record_potential_analysis(
                caller,
                case_id=parse_id(input.case_id, "case"),
                conducted_on=input.conducted_on,
                items=[
                    cooperation.PotentialItemInput(item.kind, item.subcategory, item.text)
                    for item in input.items
                ],
            ),
            expected_version,
        )

    @strawberry.mutation(description="Draw up a new version of the Kooperationsplan.")
    async def draw_up_cooperation_plan(
        self,
        info: Info,
        input: inputs.DrawUpCooperationPlanInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: cooperation.draw_up_plan(
                caller,
                case_id=parse_id(input.case_id, "case"),
                potential_analysis_id=parse_id(input.potential_analysis_id, "analysis"),
                valid_from=input.valid_from,
                plain_text=input.plain_text,
            ),
            expected_version,
        )

    @strawberry.mutation(description="The client's agreement to a version, or disagreement.")
    async def record_plan_position(
        self,
        info: Info,
        input: inputs.RecordPlanPositionInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: cooperation.record_client_position(
                caller,
                plan_id=parse_id(input.plan_id, "plan"),
                position=input.position,
                note=input.note,
            ),
            expected_version,
        )

    @strawberry.mutation(description="The joint review of the version in effect.")
    async def review_cooperation_plan(
        self,
        info: Info,
        input: inputs.ReviewCooperationPlanInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: cooperation.review_plan(
                caller,
                plan_id=parse_id(input.plan_id, "plan"),
                with_client=input.with_client,
                notes=input.notes,
                next_review_due=input.next_review_due,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Schlichtungsverfahren (§ 15a SGB II) on a disagreement.")
    async def start_conciliation(
        self,
        info: Info,
        input: inputs.StartConciliationInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: cooperation.start_conciliation(
                caller,
                plan_id=parse_id(input.plan_id, "plan"),
                requested_by=input.requested_by,
                subject=input.subject,
            ),
            expected_version,
        )

    @strawberry.mutation(description="End a Schlichtung with its outcome.")
    async def end_conciliation(
        self,
        info: Info,
        input: inputs.EndConciliationInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: cooperation.end_conciliation(
                caller,
                conciliation_id=parse_id(input.conciliation_id, "conciliation"),
                status=input.status,
                outcome=input.outcome,
            ),
            expected_version,
        )

    @strawberry.mutation(description="A request to act with advice on legal consequences.")
    async def issue_cooperation_request(
        self,
        info: Info,
        input: inputs.IssueCooperationRequestInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: cooperation.issue_request(
                caller,
                case_id=parse_id(input.case_id, "case"),
                action=input.action,
                due_on=input.due_on,
                legal_consequences=input.legal_consequences,
                plan_id=parse_optional_id(input.plan_id, "plan"),
            ),
            expected_version,
        )
