"""The diary's mutations, named for what the case manager does. Each unpacks its input, calls
one service function (service/diary/service.py) in a savepoint — a step refused with a user
error leaves nothing behind — and returns the case's diary and the id of what it added or
changed, or typed errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.service import OnCase
from service.diary import service
from service.policy.guard import public_type
from service.schema.cases.dataloaders import reset_case_loaders
from service.schema.cases.mutations import ExpectedVersion
from service.schema.cases.resolving import caller_of, optional_uuid, uuid_of
from service.schema.context import Info
from service.schema.diary import inputs
from service.schema.diary.dataloaders import diary_loaders
from service.schema.diary.types import CaseDiaryNode, diary_node
from service.schema.payloads import UserError, attempt


@public_type("wrapper around a CaseDiary, which is guarded itself", name="DiaryPayload")
class DiaryPayload:
    diary: CaseDiaryNode | None = strawberry.field(description="The case's diary after the step.")
    changed_id: strawberry.ID | None = strawberry.field(
        description="The id of the note, appointment or follow-up added or changed."
    )
    errors: list[UserError]


async def _in_savepoint(session: AsyncSession, step: Awaitable[OnCase[Any]]) -> OnCase[Any]:
    async with session.begin_nested():
        return await step


async def _run(info: Info, step: Callable[[], Awaitable[OnCase[Any]]]) -> DiaryPayload:
    result, errors = await attempt(_in_savepoint(info.context.session, step()))
    reset_case_loaders(info)
    diary_loaders(info).clear()
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
            lambda: service.add_note(
                caller_of(info, expected_version),
                case_id=uuid_of(input.case_id, "case"),
                kind=input.kind,
                noted_on=input.noted_on,
                subject=input.subject,
                text=input.text,
                corrects_id=optional_uuid(input.corrects_id, "note"),
            ),
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
            lambda: service.plan_appointment(
                caller_of(info, expected_version),
                case_id=uuid_of(input.case_id, "case"),
                kind=input.kind,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                place=input.place,
                partner_organisation_id=optional_uuid(
                    input.partner_organisation_id, "partner organisation"
                ),
                internal_note=input.internal_note,
            ),
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
            lambda: service.record_appointment_status(
                caller_of(info, expected_version),
                appointment_id=uuid_of(input.appointment_id, "appointment"),
                status=input.status,
                reason=input.reason,
            ),
        )

    @strawberry.mutation(description="Wiedervorlage: a day to come back to the case.")
    async def add_follow_up(
        self, info: Info, input: inputs.AddFollowUpInput, expected_version: ExpectedVersion = None
    ) -> DiaryPayload:
        return await _run(
            info,
            lambda: service.add_follow_up(
                caller_of(info, expected_version),
                case_id=uuid_of(input.case_id, "case"),
                due_on=input.due_on,
                reason=input.reason,
            ),
        )

    @strawberry.mutation(description="Mark a follow-up done.")
    async def complete_follow_up(
        self, info: Info, follow_up_id: strawberry.ID, expected_version: ExpectedVersion = None
    ) -> DiaryPayload:
        return await _run(
            info,
            lambda: service.complete_follow_up(
                caller_of(info, expected_version),
                follow_up_id=uuid_of(follow_up_id, "follow-up"),
            ),
        )
