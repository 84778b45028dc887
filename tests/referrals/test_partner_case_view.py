"""Through a referral, a partner sees the case's assessment only in the categories the client's
consent covers: debts for the debt counsellor, never the addiction entries without an explicit
consent to them."""

from __future__ import annotations

from service.cases.vocabulary import AssessmentSubcategory
from tests.cases.factories import CaseFactories
from tests.graphql import post_graphql
from tests.graphql_errors import forbidden_paths
from tests.referral_factories import consent, referral, referral_setting

CASE_THROUGH_REFERRAL = """
query($id: ID!) {
  referral(id: $id) {
    case {
      status
      assessment {
        finances { subject }
        addiction { subject }
      }
    }
  }
}
"""


async def _setting_with_entries(factories):
    setting = await referral_setting(factories)
    entries = CaseFactories(factories)
    await entries.entry(
        setting.jobcenter,
        setting.case_id,
        setting.case_manager,
        AssessmentSubcategory.DEBTS,
        subject="Mietschulden und Ratenkredit",
    )
    await entries.entry(
        setting.jobcenter,
        setting.case_id,
        setting.case_manager,
        AssessmentSubcategory.ADDICTION,
        subject="Alkoholproblematik",
    )
    return setting


async def _read(client, tokens, setting, referral_id):
    response = await post_graphql(
        client,
        CASE_THROUGH_REFERRAL,
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )
    return response.json()


async def test_debt_counsellor_sees_the_debts_and_not_the_addiction(client, tokens, factories):
    setting = await _setting_with_entries(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "identity", "assessment_finances")

    body = await _read(client, tokens, setting, referral_id)

    case = body["data"]["referral"]["case"]
    assert case["assessment"] == {
        "finances": [{"subject": "Mietschulden und Ratenkredit"}],
        "addiction": None,
    }
    assert case["status"] is None  # case status was not consented
    assert forbidden_paths(body) == {
        ("referral", "case", "status"),
        ("referral", "case", "assessment", "addiction"),
    }


async def test_addiction_named_without_explicit_consent_stays_closed(client, tokens, factories):
    setting = await _setting_with_entries(factories)
    referral_id = await referral(factories, setting)
    # Written past the API's own check (which refuses it), to show the policy holds on its own.
    await consent(factories, setting, referral_id, "assessment_finances", "assessment_addiction")

    body = await _read(client, tokens, setting, referral_id)

    assert body["data"]["referral"]["case"]["assessment"]["addiction"] is None
    assert ("referral", "case", "assessment", "addiction") in forbidden_paths(body)


async def test_explicit_consent_opens_the_addiction_entries(client, tokens, factories):
    setting = await _setting_with_entries(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "assessment_addiction", explicit_special=True)

    body = await _read(client, tokens, setting, referral_id)

    assert body["data"]["referral"]["case"]["assessment"]["addiction"] == [
        {"subject": "Alkoholproblematik"}
    ]


async def test_without_a_referral_no_consent_reaches_the_case(client, tokens, factories):
    setting = await _setting_with_entries(factories)
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "assessment_finances")
    stranger = await referral_setting(factories)

    response = await post_graphql(
        client,
        CASE_THROUGH_REFERRAL,
        headers=tokens.headers(stranger.counsellor),
        variables={"id": str(referral_id)},
    )

    assert response.json()["data"] is None
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
