from __future__ import annotations

import datetime

import strawberry

from service.schema.partners.types import ServiceCategory
from service.schema.referrals.types import Attendance, ReferralStatus


@strawberry.input
class CreateReferralInput:
    case_id: strawberry.ID
    partner_organisation_id: strawberry.ID
    service_category: ServiceCategory
    purpose: str = strawberry.field(description="The question for the partner; ≤ 1000 chars.")
    first_report_due: datetime.date


@strawberry.input
class ReportProgressInput:
    referral_id: strawberry.ID
    reported_on: datetime.date
    attendance: Attendance
    text: str = strawberry.field(description="≤ 4000 chars.")
    next_appointment: datetime.datetime | None = None
    status: ReferralStatus | None = strawberry.field(
        default=None, description="Move the referral on at the same time (e.g. IN_PROGRESS)."
    )
