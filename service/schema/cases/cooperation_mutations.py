"""Mutations of the Kooperationsplan: each unpacks its input and calls one service function
(service/cases/cooperation.py), in a savepoint like every case mutation."""

from __future__ import annotations

import strawberry

from service.cases import cooperation
from service.schema.cases import cooperation_inputs as inputs
from service.schema.cases.mutations import CasePayload, ExpectedVersion, _run
from service.schema.cases.resolving import caller_of, optional_uuid, uuid_of
from service.schema.context import Info


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
            lambda: cooperation.record_potential_analysis(
                caller_of(info, expected_version),
                case_id=uuid_of(input.case_id, "case"),
                conducted_on=input.conducted_on,
                items=[
                    cooperation.PotentialItemInput(item.kind, item.subcategory, item.text)
                    for item in input.items
                ],
            ),
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
            lambda: cooperation.draw_up_plan(
                caller_of(info, expected_version),
                case_id=uuid_of(input.case_id, "case"),
                potential_analysis_id=uuid_of(input.potential_analysis_id, "analysis"),
                valid_from=input.valid_from,
                plain_text=input.plain_text,
            ),
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
            lambda: cooperation.record_client_position(
                caller_of(info, expected_version),
                plan_id=uuid_of(input.plan_id, "plan"),
                position=input.position,
                note=input.note,
            ),
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
            lambda: cooperation.review_plan(
                caller_of(info, expected_version),
                plan_id=uuid_of(input.plan_id, "plan"),
                with_client=input.with_client,
                notes=input.notes,
                next_review_due=input.next_review_due,
            ),
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
            lambda: cooperation.start_conciliation(
                caller_of(info, expected_version),
                plan_id=uuid_of(input.plan_id, "plan"),
                requested_by=input.requested_by,
                subject=input.subject,
            ),
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
            lambda: cooperation.end_conciliation(
                caller_of(info, expected_version),
                conciliation_id=uuid_of(input.conciliation_id, "conciliation"),
                status=input.status,
                outcome=input.outcome,
            ),
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
            lambda: cooperation.issue_request(
                caller_of(info, expected_version),
                case_id=uuid_of(input.case_id, "case"),
                action=input.action,
                due_on=input.due_on,
                legal_consequences=input.legal_consequences,
                plan_id=optional_uuid(input.plan_id, "plan"),
            ),
        )
