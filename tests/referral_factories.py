"""Set-up for referral and consent stories: a jobcenter with a case manager, an admitted case,
a partner organisation in its network. Rows are written directly (as factories.py does); the
behaviour under test always goes through the GraphQL endpoint."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from service.cases.models import Case, CaseStatus
from service.consent.models import Consent, ConsentRevocation
from service.identity.roles import Role
from service.partners.categories import ServiceCategory
from service.referrals.models import Referral, ReferralStatus
from tests.factories import Factories, Jobcenter, Organisation, Person

ALL_INFORMED = {
    "content": True,
    "effects": True,
    "scope": True,
    "voluntariness": True,
    "benefit": True,
}


@dataclass(frozen=True)
class ReferralSetting:
    jobcenter: Jobcenter
    case_manager: Person
    client: Person
    case_id: uuid.UUID
    organisation: Organisation
    counsellor: Person


async def referral_setting(
    factories: Factories,
    *,
    categories: tuple[ServiceCategory, ...] = (ServiceCategory.DEBT_COUNSELLING,),
) -> ReferralSetting:
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter, Role.CASE_MANAGER)
    client = await factories.client(jobcenter, family_name="Schuldenfrei")
    case_id = await admitted_case(factories, jobcenter, client, case_manager)
    organisation = await factories.organisation(jobcenter, categories=categories)
    counsellor = await factories.partner_user(organisation)
    return ReferralSetting(jobcenter, case_manager, client, case_id, organisation, counsellor)


async def admitted_case(
    factories: Factories,
    jobcenter: Jobcenter,
    client: Person,
    case_manager: Person,
    *,
    deputy: Person | None = None,
) -> uuid.UUID:
    case = Case(
        tenant_id=jobcenter.id,
        id=uuid.uuid4(),
        client_id=client.id,
        status=str(CaseStatus.ADMITTED),
        responsible_case_manager_id=case_manager.id,
        deputy_case_manager_id=deputy.id if deputy else None,
    )
    async with factories._session(tenant=jobcenter.id) as session:
        session.add(case)
    return case.id


async def referral(
    factories: Factories,
    setting: ReferralSetting,
    *,
    organisation: Organisation | None = None,
    status: ReferralStatus = ReferralStatus.ACCEPTED,
    due: date | None = None,
    created_at: datetime | None = None,
) -> uuid.UUID:
    row = Referral(
        tenant_id=setting.jobcenter.id,
        id=uuid.uuid4(),
        case_id=setting.case_id,
        client_id=setting.client.id,
        partner_organisation_id=(organisation or setting.organisation).id,
        service_category=str(ServiceCategory.DEBT_COUNSELLING),
        purpose="Schuldenregulierung klären",
        first_report_due=due or date.today() + timedelta(days=14),
        status=str(status),
        created_by_id=setting.case_manager.id,
        created_at=created_at or datetime.now(UTC),
    )
    async with factories._session(tenant=setting.jobcenter.id) as session:
        session.add(row)
    return row.id


async def consent(
    factories: Factories,
    setting: ReferralSetting,
    referral_id: uuid.UUID | None,
    *categories: str,
    direction: str = "to_partner",
    purpose: str = "referral",
    explicit_special: bool = False,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    revoked: bool = False,
    organisation: Organisation | None = None,
    deputy: Person | None = None,
) -> uuid.UUID:
    now = datetime.now(UTC)
    row = Consent(
        tenant_id=setting.jobcenter.id,
        id=uuid.uuid4(),
        client_id=setting.client.id,
        purpose=purpose,
        grantee_organisation_id=(organisation or setting.organisation).id
        if purpose == "referral"
        else None,
        referral_id=referral_id,
        deputy_id=deputy.id if deputy else None,
        direction=direction,
        categories=list(categories),
        explicit_special_categories=explicit_special,
        valid_from=valid_from or now - timedelta(days=1),
        valid_until=valid_until,
        evidence_reference="Einwilligungserklärung vom Vortag",
        informed_content=True,
        informed_effects=True,
        informed_scope=True,
        informed_voluntariness=True,
        informed_benefit=True,
        recorded_by_kind="staff",
        recorded_by_id=setting.case_manager.id,
    )
    async with factories._session(tenant=setting.jobcenter.id) as session:
        session.add(row)
        if revoked:
            await session.flush()
            session.add(
                ConsentRevocation(
                    tenant_id=row.tenant_id,
                    consent_id=row.id,
                    grantee_organisation_id=row.grantee_organisation_id,
                    revoked_by_kind="client",
                    revoked_by_id=setting.client.id,
                    channel="letter",
                )
            )
    return row.id
