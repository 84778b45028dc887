"""Case mutations, named for what staff do. Each resolver unpacks its input, calls one service
function and returns the case (and the id of what it added) or typed user errors.

Each runs in a savepoint: a step refused with a user error leaves nothing behind, even if it had
changed something before the refusal (DESIGN.md, invariant 5).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from service.caller import Caller
from service.cases import closure, documents, service, work
from service.cases.service import OnCase
from service.ids import parse_id, parse_optional_id
from service.policy.guard import public_type
from service.schema.cases import inputs
from service.schema.cases.types import CaseNode, case_node
from service.schema.context import Info
from service.schema.payloads import ExpectedVersion, UserError, run_change


@public_type("wrapper around a Case, which is guarded itself", name="CasePayload")
class CasePayload:
    case: CaseNode | None = strawberry.field(description="The case after the change.")
    changed_id: strawberry.ID | None = strawberry.field(
        description="The id of what the step added or changed (entry, goal, agreement, …)."
    )
    errors: list[UserError]


async def _run(
    info: Info,
    step: Callable[[Caller], Awaitable[OnCase[Any]]],
    expected_version: int | None = None,
) -> CasePayload:
    result, errors = await run_change(info, step, expected_version)
    if result is None:
        return CasePayload(case=None, changed_id=None, errors=errors)
    return CasePayload(
        case=case_node(result.case, result.access),
        changed_id=strawberry.ID(str(result.item.id)),
        errors=[],
    )


@strawberry.type
class CasesMutation:
    @strawberry.mutation(description="Fallzugang: propose a client for case management.")
    async def propose_case(
        self, info: Info, input: inputs.ProposeCaseInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: service.propose_case(
                caller,
                client_id=parse_id(input.client_id, "client"),
                profile=input.profile,
                profiling_items=[
                    service.ProfilingInput(item.category, item.detail, item.subcategory)
                    for item in input.profiling_items
                ],
                intake_reasoning=input.intake_reasoning,
                case_manager_id=parse_optional_id(input.case_manager_id, "staff member"),
            ),
            expected_version,
        )

    @strawberry.mutation(description="Übergabe: admit into case management, or decline.")
    async def decide_intake(
        self, info: Info, input: inputs.DecideIntakeInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: service.decide_intake(
                caller,
                case_id=parse_id(input.case_id, "case"),
                admit=input.admit,
                reasoning=input.reasoning,
                care_variant=input.care_variant,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Add an assessment entry.")
    async def add_assessment_entry(
        self,
        info: Info,
        input: inputs.AddAssessmentEntryInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: work.add_assessment_entry(
                caller,
                case_id=parse_id(input.case_id, "case"),
                kind=input.kind,
                subcategory=input.subcategory,
                subject=input.subject,
                detail=input.detail,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Re-assess an entry; the old one stays as history.")
    async def reassess_entry(
        self, info: Info, input: inputs.ReassessEntryInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: work.reassess_entry(
                caller,
                entry_id=parse_id(input.entry_id, "assessment entry"),
                kind=input.kind,
                subject=input.subject,
                detail=input.detail,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Add a goal to the integration plan.")
    async def add_goal(
        self, info: Info, input: inputs.AddGoalInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: work.add_goal(
                caller,
                case_id=parse_id(input.case_id, "case"),
                title=input.title,
                resources=input.resources,
                target_date=input.target_date,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Add a sub-goal with its target date to a goal.")
    async def add_sub_goal(
        self, info: Info, input: inputs.AddSubGoalInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: work.add_sub_goal(
                caller,
                goal_id=parse_id(input.goal_id, "plan item"),
                title=input.title,
                target_date=input.target_date,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Add an activity to a goal or sub-goal.")
    async def add_activity(
        self, info: Info, input: inputs.AddActivityInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: work.add_activity(
                caller,
                parent_id=parse_id(input.parent_id, "plan item"),
                title=input.title,
                responsible=input.responsible,
                target_date=input.target_date,
                partner_organisation_id=parse_optional_id(
                    input.partner_organisation_id, "partner organisation"
                ),
            ),
            expected_version,
        )

    @strawberry.mutation(description="Fallsteuerung: record the outcome of a plan item.")
    async def record_outcome(
        self, info: Info, input: inputs.RecordOutcomeInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: work.record_outcome(
                caller,
                item_id=parse_id(input.item_id, "plan item"),
                outcome=input.outcome,
                on=input.on,
                reason=input.reason,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Conclude a new version of the integration agreement.")
    async def conclude_agreement(
        self,
        info: Info,
        input: inputs.ConcludeAgreementInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: work.conclude_agreement(
                caller,
                case_id=parse_id(input.case_id, "case"),
                valid_from=input.valid_from,
                valid_until=input.valid_until,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Record the six-monthly review.")
    async def record_review(
        self, info: Info, input: inputs.RecordReviewInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: service.record_review(
                caller,
                case_id=parse_id(input.case_id, "case"),
                reasoning=input.reasoning,
                prognosis=input.prognosis,
                profile=input.profile,
            ),
            expected_version,
        )

    @strawberry.mutation(
        description="Fallabgang: close the case, with the closing talk and the handover."
    )
    async def close_case(
        self, info: Info, input: inputs.CloseCaseInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: closure.close_case(
                caller,
                case_id=parse_id(input.case_id, "case"),
                reason=input.reason,
                reasoning=input.reasoning,
                talk=closure.ClosingTalk(
                    input.retrospective, input.prospective, input.client_took_part
                ),
                aftercare_until=input.aftercare_until,
                handover_to_id=parse_optional_id(input.handover_to_id, "staff member"),
            ),
            expected_version,
        )

    @strawberry.mutation(description="Add an after-care note to a closed case in after-care.")
    async def add_aftercare_note(
        self,
        info: Info,
        input: inputs.AddAftercareNoteInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: closure.add_aftercare_note(
                caller,
                case_id=parse_id(input.case_id, "case"),
                note=input.note,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Team leads: (re)assign the responsible case manager.")
    async def assign_case_manager(
        self,
        info: Info,
        input: inputs.AssignCaseManagerInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: service.assign_case_manager(
                caller,
                case_id=parse_id(input.case_id, "case"),
                case_manager_id=parse_id(input.case_manager_id, "staff member"),
            ),
            expected_version,
        )

    @strawberry.mutation(description="Register (or remove) the deputy of a case.")
    async def register_deputy(
        self,
        info: Info,
        input: inputs.RegisterDeputyInput,
        expected_version: ExpectedVersion = None,
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: service.register_deputy(
                caller,
                case_id=parse_id(input.case_id, "case"),
                deputy_id=parse_optional_id(input.deputy_id, "staff member"),
            ),
            expected_version,
        )

    @strawberry.mutation(description="Add a document to the case file.")
    async def add_document(
        self, info: Info, input: inputs.AddDocumentInput, expected_version: ExpectedVersion = None
    ) -> CasePayload:
        return await _run(
            info,
            lambda caller: documents.add_document(
                caller,
                case_id=parse_id(input.case_id, "case"),
                title=input.title,
                area=input.area,
                media_type=input.media_type,
                content_base64=input.content_base64,
                access_until=input.access_until,
                visible_to_client=input.visible_to_client,
                data_category=input.data_category,
            ),
            expected_version,
        )
