"""Two apps on the same database: one runs registered documents compiled
(TRUSTED_DOCUMENTS=all with the manifest of tests/compiled/corpus.py), one runs everything on
the generic path (off, with the same manifest). And a jobcenter with every situation a case
list can meet."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from service.app import create_app
from service.cases.models import CaseStatus
from service.identity.roles import Role
from service.referrals.models import ReferralStatus
from service.web.trusted_documents import register
from tests.cases.factories import CaseFactories
from tests.compiled.corpus import REGISTERED
from tests.factories import Factories, Jobcenter, Person
from tests.referral_factories import (
    ReferralSetting,
    admitted_case,
    consent,
    referral,
    referral_setting,
)

RESTRICT = """
mutation Restrict($id: ID!) {
  restrictClient(clientId: $id, reason: "Widerspruch der Kundin, Prüfung läuft") {
    restricted errors { code }
  }
}"""


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registered")
    files = []
    for number, text in enumerate(REGISTERED):
        path = folder / f"document-{number}.graphql"
        path.write_text(text)
        files.append(path)
    path = folder / "trusted-documents.json"
    register(path, files)
    return path


async def _http(settings, runtime, **changes) -> AsyncIterator[httpx.AsyncClient]:
    changed = dataclasses.replace(settings, **changes)
    app = create_app(changed, dataclasses.replace(runtime, settings=changed))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        http.app = app
        yield http


@pytest.fixture(scope="module")
async def compiled_http(settings, runtime, manifest):
    async for http in _http(
        settings, runtime, trusted_documents="all", trusted_documents_file=manifest
    ):
        yield http


@pytest.fixture(scope="module")
async def generic_http(settings, runtime, manifest):
    # With the manifest, so that both record a registered document by its id (the audit's
    # occasion); off, so that nothing runs compiled.
    async for http in _http(
        settings, runtime, trusted_documents="off", trusted_documents_file=manifest
    ):
        yield http


@dataclasses.dataclass
class CaseListWorld:
    jobcenter: Jobcenter
    case_manager: Person  # own cases, and deputy of a colleague's
    colleague: Person
    team_lead: Person
    client: Person  # has a case of their own
    restricted_client: Person
    partner: Person
    referrals: ReferralSetting  # a counsellor's referrals under every kind of consent

    def actors(self) -> dict[str, Person]:
        return {
            "case manager (own and deputy cases)": self.case_manager,
            "colleague": self.colleague,
            "team lead": self.team_lead,
            "client": self.client,
            "restricted client": self.restricted_client,
            "partner": self.partner,
            "counsellor (consents of every kind)": self.referrals.counsellor,
            "referring case manager": self.referrals.case_manager,
            "referred client": self.referrals.client,
        }


@pytest.fixture(scope="module")
async def case_list_world(factories: Factories, generic_http, tokens) -> CaseListWorld:
    cases = CaseFactories(factories)
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter, Role.CASE_MANAGER)
    colleague = await factories.staff(jobcenter, Role.CASE_MANAGER)
    team_lead = await factories.staff(jobcenter, Role.TEAM_LEAD)
    dpo = await factories.staff(jobcenter, Role.DATA_PROTECTION_OFFICER)
    client = await factories.client(jobcenter)
    await cases.case(jobcenter, client, case_manager=case_manager)
    for _ in range(3):
        other = await factories.client(jobcenter)
        await cases.case(jobcenter, other, case_manager=case_manager, review_due_in_days=-3)
    closed = await factories.client(jobcenter)
    await cases.case(jobcenter, closed, case_manager=case_manager, status=CaseStatus.CLOSED)
    proposed = await factories.client(jobcenter)
    await cases.case(jobcenter, proposed, case_manager=case_manager, status=CaseStatus.PROPOSED)
    # Deputy cases: one under the client's deputy consent, one without, one with it revoked.
    for state in ("active", "none", "revoked", "expired"):
        deputised = await factories.client(jobcenter)
        case_id = await cases.case(
            jobcenter, deputised, case_manager=colleague, deputy=case_manager
        )
        if state != "none":
            setting = ReferralSetting(jobcenter, colleague, deputised, case_id, None, None)
            now = datetime.now(UTC)
            # A deputy consent names the absence it covers (DESIGN.md: purpose, people, time).
            until = now - timedelta(hours=1) if state == "expired" else now + timedelta(days=30)
            await consent(
                factories,
                setting,
                None,
                "case_status",
                purpose="deputy",
                direction="to_jobcenter",
                deputy=case_manager,
                revoked=state == "revoked",
                valid_until=until,
            )
    restricted = await factories.client(jobcenter)
    await cases.case(jobcenter, restricted, case_manager=case_manager)
    answer = await generic_http.post(
        "/graphql",
        json={"query": RESTRICT, "variables": {"id": str(restricted.id)}},
        headers=tokens.headers(dpo),
    )
    assert answer.json()["data"]["restrictClient"]["restricted"] is True, answer.text
    organisation = await factories.organisation(jobcenter)
    return CaseListWorld(
        jobcenter=jobcenter,
        case_manager=case_manager,
        colleague=colleague,
        team_lead=team_lead,
        client=client,
        restricted_client=restricted,
        partner=await factories.partner_user(organisation),
        referrals=await _referrals(factories, cases),
    )


# Consents as a counsellor meets them: several scopes, one with health explicitly, one revoked,
# one expired, none; and a referral that ended (access ends with it).
CONSENTS = (
    ("identity", "contact", "assessment_finances"),
    ("identity", "household", "assessment_housing", "assessment_health"),
    ("revoked", "identity", "contact"),
    ("expired", "identity"),
    (),
    ("completed", "identity", "assessment_finances"),
)


async def _referrals(factories: Factories, cases: CaseFactories) -> ReferralSetting:
    first = await referral_setting(factories)
    for number, scope in enumerate(CONSENTS):
        client = first.client if number == 0 else await factories.client(first.jobcenter)
        case_id = (
            first.case_id
            if number == 0
            else await admitted_case(factories, first.jobcenter, client, first.case_manager)
        )
        setting = dataclasses.replace(first, client=client, case_id=case_id)
        for subcategory in ("debts", "housing", "physical_capacity"):
            await cases.entry(first.jobcenter, case_id, first.case_manager, subcategory)
        status = ReferralStatus.COMPLETED if "completed" in scope else ReferralStatus.ACCEPTED
        due = date.today() - timedelta(days=3) if number % 2 else None
        referral_id = await referral(factories, setting, status=status, due=due)
        if scope:
            categories = [c for c in scope if c not in ("revoked", "expired", "completed")]
            now = datetime.now(UTC)
            await consent(
                factories,
                setting,
                referral_id,
                *categories,
                explicit_special="assessment_health" in categories,
                revoked="revoked" in scope,
                valid_until=now - timedelta(hours=1) if "expired" in scope else None,
            )
    return first
