"""The demo, as the partner portals see it: each demo counsellor sees exactly what the client's
consents allow, and a consent recorded and then revoked changes that on the next request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.demo.tokens import mint_demo_token
from tests.graphql import post_graphql
from tests.graphql_errors import forbidden_paths
from tests.referral_factories import ALL_INFORMED

MY_REFERRALS = """
query MyReferrals {
  referrals(first: 50) {
    edges { node { id status serviceCategory client { id givenName familyName householdSize } } }
  }
}
"""
RECORD_CONSENT = """
mutation Record($input: RecordConsentInput!) {
  recordConsent(input: $input) { consent { id } errors { field message } }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  revokeConsent(consentId: $id, channel: PORTAL) { consent { active } errors { message } }
}
"""


async def _as(dev_settings, dev_client, user, document, **variables):
    token = await mint_demo_token(dev_settings, user, tenant_slug=None, lifetime=300)
    response = await post_graphql(
        dev_client, document, headers={"Authorization": f"Bearer {token}"}, variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


def _by_category(body):
    return {
        edge["node"]["serviceCategory"]: edge["node"] for edge in body["data"]["referrals"]["edges"]
    }


async def test_debt_counsellor_sees_michael_under_his_consent_and_nobody_else(
    dev_settings, dev_client
):
    body = await _as(dev_settings, dev_client, "sb.schmied", MY_REFERRALS)

    clients = [edge["node"]["client"] for edge in body["data"]["referrals"]["edges"]]
    visible = [c for c in clients if c["familyName"] is not None]
    assert [(c["givenName"], c["familyName"]) for c in visible] == [("Michael", "Modemann")]
    assert all(c["householdSize"] is None for c in clients)  # household was not consented
    # Erika's consent was revoked: her referral is listed, her data is not.
    assert len(clients) == 2


async def test_addiction_counsellor_sees_nothing_until_consent_and_nothing_after_revocation(
    dev_settings, dev_client
):
    before = _by_category(await _as(dev_settings, dev_client, "sucht.yilmaz", MY_REFERRALS))
    referral = before["ADDICTION_COUNSELLING"]
    assert referral["client"]["familyName"] is None

    recorded = await _as(
        dev_settings,
        dev_client,
        "fm.koenigstein",
        RECORD_CONSENT,
        input={
            "clientId": referral["client"]["id"],
            "purpose": "REFERRAL",
            "direction": "TO_PARTNER",
            "granteeOrganisationId": await _organisation_id(dev_settings, dev_client),
            "referralId": referral["id"],
            "categories": ["identity"],
            "validUntil": (datetime.now(UTC) + timedelta(days=180)).isoformat(),
            "evidenceReference": "Einwilligung Suchtberatung vom heutigen Tag",
            "informed": ALL_INFORMED,
        },
    )
    assert recorded["data"]["recordConsent"]["errors"] == []
    during = _by_category(await _as(dev_settings, dev_client, "sucht.yilmaz", MY_REFERRALS))

    revoked = await _as(
        dev_settings,
        dev_client,
        "kunde.modemann",
        REVOKE,
        id=recorded["data"]["recordConsent"]["consent"]["id"],
    )
    after = await _as(dev_settings, dev_client, "sucht.yilmaz", MY_REFERRALS)

    assert during["ADDICTION_COUNSELLING"]["client"]["familyName"] == "Modemann"
    assert revoked["data"]["revokeConsent"]["consent"] == {"active": False}
    assert _by_category(after)["ADDICTION_COUNSELLING"]["client"]["familyName"] is None
    assert ("referrals", "edges", 0, "node", "client", "familyName") in forbidden_paths(after)


async def _organisation_id(dev_settings, dev_client) -> str:
    body = await _as(
        dev_settings,
        dev_client,
        "fm.koenigstein",
        "{ networkPartners(serviceCategory: ADDICTION_COUNSELLING) { organisation { id } } }",
    )
    return body["data"]["networkPartners"][0]["organisation"]["id"]


async def test_housing_help_sees_nothing_under_an_expired_consent(dev_settings, dev_client):
    body = await _as(dev_settings, dev_client, "wh.peters", MY_REFERRALS)

    (referral,) = body["data"]["referrals"]["edges"]
    assert referral["node"]["client"]["familyName"] is None
    assert referral["node"]["status"] == "COMPLETED"


async def test_jobcenter_sees_that_the_debt_counsellor_reported_but_not_what(
    dev_settings, dev_client
):
    body = await _as(
        dev_settings,
        dev_client,
        "fm.koenigstein",
        "{ referrals(first: 50) { edges { node { serviceCategory"
        " progressReports { reportedOn attendance text } } } } }",
    )

    (report,) = [
        report
        for edge in body["data"]["referrals"]["edges"]
        if edge["node"]["serviceCategory"] == "DEBT_COUNSELLING"
        for report in edge["node"]["progressReports"]
    ]
    assert report["attendance"] == "ATTENDED"
    assert report["text"] is None
