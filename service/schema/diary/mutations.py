"""The diary's mutations, named for what the case manager does. Each unpacks its input, calls
one service function (service/diary/service.py) in a savepoint — a step refused with a user
error leaves nothing behind — and returns the case's diary and the id of what it added or
changed, or typed errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from service.caller import Caller
from service.cases.service import OnCase
from service.diary import service
from service.ids import parse_id, parse_optional_id
from service.policy.guard import public_type
from service.schema.context import Info
from service.schema.diary import inputs
from service.schema.diary.types import CaseDiaryNode, diary_node
from service.schema.payloads import ExpectedVersion, UserError, run_change


@public_type("wrapper around a CaseDiary, which is guarded itself", name="DiaryPayload")
class DiaryPayload:
    diary: CaseDiaryNode | None = strawberry.field(description="The case's diary after the step.")
    changed_id: strawberry.ID | None = strawberry.field(
        description="The id of the note, appointment or follow-up added or changed."
    )
    errors: list[UserError]


async def _run(
    info: Info,
    step: Callable[[Caller], Awaitable[OnCase[Any]]],
    expected_version: int | None,
) -> DiaryPayload:
    result, errors = await run_change(info, step, expected_version)
    if result is None:
        return DiaryPayload(diary=None, changed_id=None, errors=errors)
    return DiaryPayload(
        diary=diary_node(result.case, result.access),
        changed_id=strawberry.ID(str(result.item.id)),
        errors=[],
    )


@strawberry.type
class DiaryMutation:
    @strawberry.mutation(description="Historienvermerk: a dated note, or a note's correction.")
    async def add_case_note(
        self, info: Info, input: inputs.AddCaseNoteInput, expected_version: ExpectedVersion = None
    ) -> DiaryPayload:
        return await _run(
            info,
            lambda caller: service.add_note(
                caller,
                case_id=parse_id(input.case_id, "case"),
                kind=input.kind,
                noted_on=input.noted_on,
                subject=input.subject,
                text=input.text,
                corrects_id=parse_optional_id(input.corrects_id, "note"),
            ),
            expected_version,
        )

    @strawberry.mutation(description="Termin: plan an appointment with the client.")
    async def plan_appointment(
        self,
        info: Info,
        input: inputs.PlanAppointmentInput,
        expected_version: ExpectedVersion = None,
    ) -> DiaryPayload:
        return await _run(
            info,
            lambda caller: service.plan_appointment(
                caller,
                case_id=parse_id(input.case_id, "case"),
                kind=input.kind,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                place=input.place,
                partner_organisation_id=parse_optional_id(
                    input.partner_organisation_id, "partner organisation"
                ),
                internal_note=input.internal_note,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Record whether an appointment was held, missed, cancelled.")
    async def record_appointment_status(
        self,
        info: Info,
        input: inputs.RecordAppointmentStatusInput,
        expected_version: ExpectedVersion = None,
    ) -> DiaryPayload:
        return await _run(
            info,
            lambda caller: service.record_appointment_status(
                caller,
                appointment_id=parse_id(input.appointment_id, "appointment"),
                status=input.status,
                reason=input.reason,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Wiedervorlage: a day to come back to the case.")
    async def add_follow_up(
        self, info: Info, input: inputs.AddFollowUpInput, expected_version: ExpectedVersion = None
    ) -> DiaryPayload:
        return await _run(
            info,
            lambda caller: service.add_follow_up(
                caller,
                case_id=parse_id(input.case_id, "case"),
                due_on=input.due_on,
                reason=input.reason,
            ),
            expected_version,
        )

    @strawberry.mutation(description="Mark a follow-up done.")
    async def complete_follow_up(
        self, info: Info, follow_up_id: strawberry.ID, expected_version: ExpectedVersion = None
    ) -> DiaryPayload:
        return await _run(
            info,
            lambda caller: service.complete_follow_up(
                caller,
                follow_up_id=parse_id(follow_up_id, "follow-up"),
            ),
            expected_version,
        )
