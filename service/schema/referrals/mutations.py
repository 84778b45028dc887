from __future__ import annotations

from typing import Annotated

import strawberry

from service.policy.guard import public_type
from service.referrals import service
from service.referrals.models import Attendance as AttendanceEnum
from service.referrals.models import ReferralStatus as ReferralStatusEnum
from service.schema.context import Info
from service.schema.ids import parse_id
from service.schema.payloads import UserError, attempt
from service.schema.referrals.inputs import CreateReferralInput, ReportProgressInput
from service.schema.referrals.types import ReferralNode, ReferralStatus, referral_node

ExpectedVersion = Annotated[
    int | None,
    strawberry.argument(
        description="The referral version the change is based on (Referral.version); if it has "
        "changed since, nothing is changed and the error code is CONFLICT."
    ),
]


@public_type("a wrapper; the referral is classified on its own")
class ReferralPayload:
    referral: ReferralNode | None
    errors: list[UserError]


def _payload(result) -> ReferralPayload:
    view, errors = result
    return ReferralPayload(referral=referral_node(view) if view else None, errors=errors)


@strawberry.type
class ReferralMutation:
    @strawberry.mutation(description="Refer the client of an admitted case to a network partner.")
    async def create_referral(self, info: Info, input: CreateReferralInput) -> ReferralPayload:
        context = info.context
        return _payload(
            await attempt(
                service.create_referral(
                    context.session,
                    actor=context.actor,
                    authorizer=context.authorizer,
                    case_id=parse_id(input.case_id, "case"),
                    partner_organisation_id=parse_id(input.partner_organisation_id, "organisation"),
                    service_category=input.service_category,
                    purpose=input.purpose,
                    first_report_due=input.first_report_due,
                    now=context.now,
                )
            )
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
        context = info.context
        return _payload(
            await attempt(
                service.respond_to_referral(
                    context.session,
                    actor=context.actor,
                    authorizer=context.authorizer,
                    referral_id=parse_id(referral_id, "referral"),
                    accept=accept,
                    reason=reason,
                    now=context.now,
                    expected_version=expected_version,
                )
            )
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
        context = info.context
        return _payload(
            await attempt(
                service.update_referral_status(
                    context.session,
                    actor=context.actor,
                    authorizer=context.authorizer,
                    referral_id=parse_id(referral_id, "referral"),
                    status=ReferralStatusEnum(status),
                    reason=reason,
                    now=context.now,
                    expected_version=expected_version,
                )
            )
        )

    @strawberry.mutation(description="The partner reports back (Rückmeldung).")
    async def report_progress(
        self, info: Info, input: ReportProgressInput, expected_version: ExpectedVersion = None
    ) -> ReferralPayload:
        context = info.context
        return _payload(
            await attempt(
                service.report_progress(
                    context.session,
                    actor=context.actor,
                    authorizer=context.authorizer,
                    referral_id=parse_id(input.referral_id, "referral"),
                    reported_on=input.reported_on,
                    attendance=AttendanceEnum(input.attendance),
                    text=input.text,
                    next_appointment=input.next_appointment,
                    status=ReferralStatusEnum(input.status) if input.status else None,
                    now=context.now,
                    expected_version=expected_version,
                )
            )
        )
