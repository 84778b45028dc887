from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from service.caller import Caller
from service.ids import parse_id
from service.policy.guard import public_type
from service.referrals import service
from service.referrals.models import Attendance as AttendanceEnum
from service.referrals.models import ReferralStatus as ReferralStatusEnum
from service.referrals.service import ReferralView
from service.schema.context import Info
from service.schema.payloads import ExpectedVersion, UserError, run_change
from service.schema.referrals.inputs import CreateReferralInput, ReportProgressInput
from service.schema.referrals.types import ReferralNode, ReferralStatus, referral_node


@public_type("a wrapper; the referral is classified on its own")
class ReferralPayload:
    referral: ReferralNode | None
    errors: list[UserError]


async def _run(
    info: Info,
    change: Callable[[Caller], Awaitable[ReferralView]],
    expected_version: int | None = None,
) -> ReferralPayload:
    return _payload(await run_change(info, change, expected_version))


def _payload(result) -> ReferralPayload:
    view, errors = result
    return ReferralPayload(referral=referral_node(view) if view else None, errors=errors)


@strawberry.type
class ReferralMutation:
    @strawberry.mutation(description="Refer the client of an admitted case to a network partner.")
    async def create_referral(self, info: Info, input: CreateReferralInput) -> ReferralPayload:
        return await _run(
            info,
            lambda caller: service.create_referral(
                caller,
                case_id=parse_id(input.case_id, "case"),
                partner_organisation_id=parse_id(input.partner_organisation_id, "organisation"),
                service_category=input.service_category,
                purpose=input.purpose,
                first_report_due=input.first_report_due,
            ),
        )

    @strawberry.mutation(description="The partner accepts or declines (with a reason).")
    async def respond_to_referral(
        self,
        info: Info,
        referral_id: strawberry.ID,
        accept: bool,
        reason: str | None = None,
        expected_version: ExpectedVersion = None,
    ) -> ReferralPayload:
        return await _run(
            info,
            lambda caller: service.respond_to_referral(
                caller,
                referral_id=parse_id(referral_id, "referral"),
                accept=accept,
                reason=reason,
            ),
            expected_version,
        )

    @strawberry.mutation(
        description="Partners move a referral on; the case manager may only withdraw (ABORTED)."
    )
    async def update_referral_status(
        self,
        info: Info,
        referral_id: strawberry.ID,
        status: ReferralStatus,
        reason: str | None = None,
        expected_version: ExpectedVersion = None,
    ) -> ReferralPayload:
        return await _run(
            info,
            lambda caller: service.update_referral_status(
                caller,
                referral_id=parse_id(referral_id, "referral"),
                status=ReferralStatusEnum(status),
                reason=reason,
            ),
            expected_version,
        )

    @strawberry.mutation(description="The partner reports back (Rückmeldung).")
    async def report_progress(
        self, info: Info, input: ReportProgressInput, expected_version: ExpectedVersion = None
    ) -> ReferralPayload:
        return await _run(
            info,
            lambda caller: service.report_progress(
                caller,
                referral_id=parse_id(input.referral_id, "referral"),
                reported_on=input.reported_on,
                attendance=AttendanceEnum(input.attendance),
                text=input.text,
                next_appointment=input.next_appointment,
                status=ReferralStatusEnum(input.status) if input.status else None,
            ),
            expected_version,
        )
