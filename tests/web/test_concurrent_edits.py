"""Two people changing the same case or referral from the same view: the second change is
refused with CONFLICT and changes nothing, instead of silently overwriting the first."""

from __future__ import annotations

from service.referrals.models import ReferralStatus
from tests.graphql import post_graphql
from tests.referral_factories import referral, referral_setting

ADD_GOAL = """
mutation($caseId: ID!, $title: String!, $version: Int) {
  addGoal(input: {caseId: $caseId, title: $title}, expectedVersion: $version) {
    case { version } errors { code field }
  }
}
"""
CASE_VERSION = "query($id: ID!) { case(id: $id) { version } }"
MOVE = """
mutation($id: ID!, $status: ReferralStatus!, $version: Int) {
  updateReferralStatus(referralId: $id, status: $status, expectedVersion: $version) {
    referral { status version } errors { code }
  }
}
"""


async def _call(client, tokens, person, document, **variables):
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_second_change_to_a_case_from_a_stale_view_is_a_conflict(client, tokens, factories):
    setting = await referral_setting(factories)
    case_id = str(setting.case_id)
    seen = (await _call(client, tokens, setting.case_manager, CASE_VERSION, id=case_id))["data"]
    version = seen["case"]["version"]

    first = await _call(
        client,
        tokens,
        setting.case_manager,
        ADD_GOAL,
        caseId=case_id,
        title="Wohnung",
        version=version,
    )
    second = await _call(
        client,
        tokens,
        setting.case_manager,
        ADD_GOAL,
        caseId=case_id,
        title="Arbeit",
        version=version,
    )

    assert first["data"]["addGoal"]["errors"] == []
    assert first["data"]["addGoal"]["case"]["version"] == version + 1
    assert second["data"]["addGoal"] == {
        "case": None,
        "errors": [{"code": "CONFLICT", "field": "version"}],
    }
    after = await _call(client, tokens, setting.case_manager, CASE_VERSION, id=case_id)
    assert after["data"]["case"]["version"] == version + 1


async def test_second_status_change_from_a_stale_view_is_a_conflict(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = str(await referral(factories, setting, status=ReferralStatus.ACCEPTED))

    first = await _call(
        client, tokens, setting.counsellor, MOVE, id=referral_id, status="IN_PROGRESS", version=1
    )
    second = await _call(
        client, tokens, setting.counsellor, MOVE, id=referral_id, status="NO_SHOW", version=1
    )

    assert first["data"]["updateReferralStatus"]["referral"] == {
        "status": "IN_PROGRESS",
        "version": 2,
    }
    assert second["data"]["updateReferralStatus"] == {
        "referral": None,
        "errors": [{"code": "CONFLICT"}],
    }
