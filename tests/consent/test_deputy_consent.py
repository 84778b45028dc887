"""A registered deputy case manager stands in only while the client's deputy consent is active
(domain/001: Vertretung nur mit Einwilligung): recorded and revoked through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.cases.vocabulary import AssessmentSubcategory
from service.identity.roles import Role
from tests.cases.factories import CaseFactories
from tests.graphql import post_graphql
from tests.referral_factories import ALL_INFORMED, admitted_case

CASE_FINANCES = "query($id: ID!) { case(id: $id) { assessment { finances { subject } } } }"
RECORD = """
mutation($input: RecordConsentInput!) {
  recordConsent(input: $input) { consent { id } errors { message } }
}
"""
REVOKE = """
mutation($id: ID!) { revokeConsent(consentId: $id, channel: IN_PERSON) { errors { message } } }
"""


async def _call(client, tokens, person, document, **variables):
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables=variables
    )
    return response.json()


async def test_deputy_sees_the_protected_area_only_while_the_deputy_consent_is_active(
    client, tokens, factories
):
    jobcenter = await factories.jobcenter()
    responsible = await factories.staff(jobcenter, Role.CASE_MANAGER)
    deputy = await factories.staff(jobcenter, Role.CASE_MANAGER)
    person = await factories.client(jobcenter)
    case_id = await admitted_case(factories, jobcenter, person, responsible, deputy=deputy)
    await CaseFactories(factories).entry(
        jobcenter, case_id, responsible, AssessmentSubcategory.DEBTS, subject="Mietschulden"
    )

    before = await _call(client, tokens, deputy, CASE_FINANCES, id=str(case_id))
    recorded = await _call(
        client,
        tokens,
        responsible,
        RECORD,
        input={
            "clientId": str(person.id),
            "purpose": "DEPUTY",
            "validUntil": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
            "evidenceReference": "Einwilligung Vertretung, unterschrieben",
            "informed": ALL_INFORMED,
        },
    )
    during = await _call(client, tokens, deputy, CASE_FINANCES, id=str(case_id))
    consent_id = recorded["data"]["recordConsent"]["consent"]["id"]
    await _call(client, tokens, person, REVOKE, id=consent_id)
    after = await _call(client, tokens, deputy, CASE_FINANCES, id=str(case_id))

    assert before["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert during["data"]["case"]["assessment"]["finances"] == [{"subject": "Mietschulden"}]
    assert after["errors"][0]["extensions"]["code"] == "NOT_FOUND"
