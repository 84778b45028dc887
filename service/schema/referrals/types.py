from __future__ import annotations

import datetime
import uuid

import strawberry

from service.policy.categories import DataCategory
from service.policy.facts import Access
from service.policy.guard import GuardTag, personal_field, personal_type
from service.referrals.access import progress_report_access
from service.referrals.models import Attendance as AttendanceEnum
from service.referrals.models import ProgressReport, ReferralStatusChange
from service.referrals.models import ReferralStatus as ReferralStatusEnum
from service.referrals.service import ReferralView, is_overdue
from service.schema.cases.types import CaseNode, case_node
from service.schema.clients.types import ClientNode, client_node
from service.schema.context import Info
from service.schema.dataloaders import ClientByIdLoader, loaded
from service.schema.identity.types import Jobcenter, PartnerOrganisation
from service.schema.partners.types import NetworkPartner, ServiceCategory, network_partner_of
from service.schema.referrals import dataloaders
from service.schema.stored import member_of

ReferralStatus = strawberry.enum(
    ReferralStatusEnum,
    name="ReferralStatus",
    description="SENT → ACCEPTED or DECLINED → IN_PROGRESS → COMPLETED, ABORTED or NO_SHOW "
    "(client did not appear).",
)
Attendance = strawberry.enum(AttendanceEnum, name="Attendance")


def _tag(
    view: ReferralView, object_type: str, object_id: uuid.UUID, access: Access | None = None
) -> GuardTag:
    return GuardTag(
        tenant_id=view.row.tenant_id,
        subject_id=view.row.client_id,
        object_type=object_type,
        object_id=object_id,
        access=access or view.access,
    )


@personal_type(name="ReferralStatusChange", description="One step in a referral's history.")
class StatusChangeNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[ReferralStatusChange]

    @personal_field(DataCategory.REFERRAL)
    def status(self) -> ReferralStatus | None:
        return member_of(ReferralStatusEnum, self.row.status)

    @personal_field(DataCategory.REFERRAL)
    def changed_at(self) -> datetime.datetime | None:
        return self.row.changed_at

    @personal_field(DataCategory.REFERRAL, description="STAFF or PARTNER.")
    def changed_by_kind(self) -> str | None:
        return self.row.changed_by_kind.upper()

    @personal_field(DataCategory.REFERRAL)
    def reason(self) -> str | None:
        return self.row.reason


@personal_type(
    name="ProgressReport",
    description="A partner's report back (Rückmeldung). That it exists, its date, attendance and "
    "status are referral data; its text and next appointment reach the jobcenter only under a "
    "consent in the direction partner → jobcenter.",
)
class ProgressReportNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[ProgressReport]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(DataCategory.REFERRAL)
    def reported_on(self) -> datetime.date | None:
        return self.row.reported_on

    @personal_field(DataCategory.REFERRAL)
    def attendance(self) -> Attendance | None:
        return member_of(AttendanceEnum, self.row.attendance)

    @personal_field(DataCategory.REFERRAL)
    def status(self) -> ReferralStatus | None:
        return member_of(ReferralStatusEnum, self.row.status)

    @personal_field(DataCategory.PROGRESS_REPORTS)
    def text(self) -> str | None:
        return self.row.text

    @personal_field(DataCategory.PROGRESS_REPORTS)
    def next_appointment(self) -> datetime.datetime | None:
        return self.row.next_appointment


@personal_type(
    name="Referral", description="A referral to a network partner (Einschaltung Dritter)."
)
class ReferralNode:
    guard: strawberry.Private[GuardTag]
    view: strawberry.Private[ReferralView]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.row.id))

    @personal_field(DataCategory.REFERRAL)
    def service_category(self) -> ServiceCategory | None:
        return self.view.row.service_category

    @personal_field(DataCategory.REFERRAL, description="The question or purpose of the referral.")
    def purpose(self) -> str | None:
        return self.view.row.purpose

    @personal_field(DataCategory.REFERRAL)
    def first_report_due(self) -> datetime.date | None:
        return self.view.row.first_report_due

    @personal_field(DataCategory.REFERRAL)
    def status(self) -> ReferralStatus | None:
        return ReferralStatusEnum(self.view.row.status)

    @personal_field(DataCategory.REFERRAL)
    def created_at(self) -> datetime.datetime | None:
        return self.view.row.created_at

    @personal_field(
        DataCategory.REFERRAL,
        description="Increases with every change; pass it as "
        "expectedVersion so a change based on an old view is refused.",
    )
    def version(self) -> int | None:
        return self.view.row.version

    @personal_field(DataCategory.REFERRAL, description="No report yet although the first was due.")
    async def overdue(self, info: Info) -> bool | None:
        reports = await info.context.loader(dataloaders.ProgressReportsByReferralLoader).load(
            self.view.row.id
        )
        return is_overdue(self.view.row, reports, info.context.caller().today)

    @strawberry.field(description="The jobcenter that made the referral.")
    def jobcenter(self, info: Info) -> Jobcenter:
        loader = info.context.loader(dataloaders.TenantByIdLoader)
        return loaded(loader, self.view.row.tenant_id, _jobcenter)

    @strawberry.field(description="The network partner it went to.")
    async def partner_organisation(self, info: Info) -> PartnerOrganisation:
        row = await info.context.loader(dataloaders.OrganisationByIdLoader).load(
            self.view.row.partner_organisation_id
        )
        return PartnerOrganisation(id=strawberry.ID(str(row.id)), slug=row.slug, name=row.name)

    @personal_field(
        DataCategory.REFERRAL,
        description="The partner it went to as the jobcenter's network lists it: services and "
        "contact (for the client, who reads no other part of the network).",
    )
    async def partner(self, info: Info) -> NetworkPartner | None:
        row = self.view.row
        return await network_partner_of(info, row.tenant_id, row.partner_organisation_id)

    @strawberry.field(description="The client; each field only as far as policy and consent allow.")
    def client(self, info: Info) -> ClientNode | None:
        access = self.view.access
        return loaded(
            info.context.loader(ClientByIdLoader),
            self.view.row.client_id,
            lambda row: client_node(row, access) if row else None,
        )

    @strawberry.field(
        description="The case the referral belongs to; for a partner, each field only as far "
        "as the client's consent for this referral covers its category."
    )
    def case(self, info: Info) -> CaseNode | None:
        access = self.view.access
        return loaded(
            info.context.loader(dataloaders.CaseByIdLoader),
            self.view.row.case_id,
            lambda row: case_node(row, access) if row else None,
        )

    @strawberry.field
    async def status_history(self, info: Info) -> list[StatusChangeNode]:
        rows = await info.context.loader(dataloaders.StatusChangesByReferralLoader).load(
            self.view.row.id
        )
        return [
            StatusChangeNode(guard=_tag(self.view, "referral_status_change", r.id), row=r)
            for r in rows
        ]

    @strawberry.field
    async def progress_reports(self, info: Info) -> list[ProgressReportNode]:
        rows = await info.context.loader(dataloaders.ProgressReportsByReferralLoader).load(
            self.view.row.id
        )
        return [self._report(info, row) for row in rows]

    def _report(self, info: Info, row: ProgressReport) -> ProgressReportNode:
        access = progress_report_access(self.view.access, info.context.actor, row)
        return ProgressReportNode(guard=_tag(self.view, "progress_report", row.id, access), row=row)


def referral_node(view: ReferralView) -> ReferralNode:
    return ReferralNode(guard=_tag(view, "referral", view.row.id), view=view)


def _jobcenter(row) -> Jobcenter:
    return Jobcenter(id=strawberry.ID(str(row.id)), slug=row.slug, name=row.name)
