"""Recording, listing and revoking consents through the API, with the errors a consent UI shows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest

from service.identity.roles import Role
from service.moments import JOBCENTER_TIMEZONE
from service.policy.categories import CATEGORIES
from tests.graphql import post_graphql
from tests.graphql_errors import errors_by_path
from tests.referral_factories import ALL_INFORMED, referral, referral_setting

RECORD_CONSENT = """
mutation Record($input: RecordConsentInput!) {
  recordConsent(input: $input) {
    consent {
      id purpose direction categories active validFrom validUntil recordedAt recordedByKind
    }
    errors { field code message messageDe }
  }
}
"""
REVOKE_CONSENT = """
mutation Revoke($id: ID!) {
  revokeConsent(consentId: $id, channel: LETTER) {
    consent { id active revokedAt revocationChannel }
    errors { field code message }
  }
}
"""
CONSENTS = """
query Consents($clientId: ID!) {
  consents(clientId: $clientId) { id categories active revokedAt }
}
"""
CONSENT_IN_ACCESS_REPORT = """
query($clientId: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $clientId, from: $from, to: $to) {
    consents { id recordedAt validFrom }
  }
}
"""
DATA_CATEGORIES = "{ dataCategories { key labelDe labelEn descriptionDe special } }"
REFERRAL_CLIENT_NAME = "query($id: ID!) { referral(id: $id) { client { familyName } } }"


def _start_of_today() -> datetime:
    """Midnight of today in the jobcenter (Europe/Berlin): the earliest start still allowed."""
    today = datetime.now(JOBCENTER_TIMEZONE).date()
    return datetime.combine(today, time(), JOBCENTER_TIMEZONE)


def _input(setting, referral_id, **overrides):
    values = {
        "clientId": str(setting.client.id),
        "purpose": "REFERRAL",
        "direction": "TO_PARTNER",
        "granteeOrganisationId": str(setting.organisation.id),
        "referralId": str(referral_id),
        "categories": ["identity", "contact", "assessment_finances"],
        "validUntil": (datetime.now(UTC) + timedelta(days=365)).isoformat(),
        "evidenceReference": "Einwilligung Schuldnerberatung, unterschrieben",
        "informed": ALL_INFORMED,
    }
    values.update(overrides)
    return values


async def _record(client, tokens, person, values):
    response = await post_graphql(
        client, RECORD_CONSENT, headers=tokens.headers(person), variables={"input": values}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_case_manager_records_a_consent_and_the_partner_sees_its_scope_at_once(
    client, tokens, factories
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)

    body = await _record(client, tokens, setting.case_manager, _input(setting, referral_id))

    payload = body["data"]["recordConsent"]
    assert payload["errors"] == []
    assert payload["consent"]["categories"] == ["assessment_finances", "contact", "identity"]
    assert (payload["consent"]["active"], payload["consent"]["recordedByKind"]) == (True, "STAFF")
    seen = await post_graphql(
        client,
        REFERRAL_CLIENT_NAME,
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )
    assert seen.json()["data"]["referral"]["client"]["familyName"] == "Schuldenfrei"


async def test_revocation_takes_effect_on_the_very_next_request(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    recorded = await _record(client, tokens, setting.case_manager, _input(setting, referral_id))
    consent_id = recorded["data"]["recordConsent"]["consent"]["id"]

    revoked = await post_graphql(
        client, REVOKE_CONSENT, headers=tokens.headers(setting.client), variables={"id": consent_id}
    )
    after = await post_graphql(
        client,
        REFERRAL_CLIENT_NAME,
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )

    consent = revoked.json()["data"]["revokeConsent"]["consent"]
    assert (consent["active"], consent["revocationChannel"]) == (False, "LETTER")
    assert consent["revokedAt"] is not None
    assert after.json()["data"]["referral"]["client"]["familyName"] is None


async def test_revoking_twice_is_an_invalid_state(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    recorded = await _record(client, tokens, setting.case_manager, _input(setting, referral_id))
    consent_id = recorded["data"]["recordConsent"]["consent"]["id"]
    headers = tokens.headers(setting.case_manager)
    await post_graphql(client, REVOKE_CONSENT, headers=headers, variables={"id": consent_id})

    again = await post_graphql(
        client, REVOKE_CONSENT, headers=headers, variables={"id": consent_id}
    )

    payload = again.json()["data"]["revokeConsent"]
    assert payload["consent"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "INVALID_STATE")]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"categories": ["identity", "horoscope"]},
            "categories",
            "unknown data category 'horoscope' (see dataCategories)",
        ),
        ({"categories": []}, "categories", "name at least one data category"),
        (
            {"categories": ["access_report"]},
            "categories",
            "the client's own access report cannot be shared",
        ),
        (
            {"validUntil": (datetime.now(UTC) - timedelta(days=1)).isoformat()},
            "validUntil",
            "the end date lies in the past",
        ),
        (
            {"categories": ["identity", "assessment_addiction"]},
            "explicitSpecialCategories",
            "health and addiction data need the client's explicit consent",
        ),
        (
            {"informed": {**ALL_INFORMED, "voluntariness": False}},
            "informed",
            "the client must have been informed of: voluntariness",
        ),
        ({"evidenceReference": "  "}, "evidenceReference", "required"),
        ({"evidenceReference": "x" * 201}, "evidenceReference", "at most 200 characters"),
        ({"granteeOrganisationId": None}, "granteeOrganisationId", "required"),
        (
            {"validFrom": (datetime.now(UTC) - timedelta(days=400)).isoformat()},
            "validFrom",
            "a consent cannot take effect before the day it is recorded",
        ),
        (
            {"validFrom": (_start_of_today() - timedelta(minutes=1)).isoformat()},
            "validFrom",
            "a consent cannot take effect before the day it is recorded",
        ),
        (
            {
                "validFrom": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
                "validUntil": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
            },
            "validUntil",
            "the end must come after the start",
        ),
        (
            {"deputyId": str(uuid.uuid4())},
            "deputyId",
            "only a deputy consent names a deputy",
        ),
    ],
    ids=[
        "unknown-category",
        "no-category",
        "own-access-report",
        "past-end-date",
        "special-without-explicit",
        "not-informed",
        "no-evidence",
        "evidence-too-long",
        "no-grantee",
        "backdated-400-days",
        "backdated-to-yesterday-evening",
        "end-before-a-later-start",
        "deputy-on-a-referral-consent",
    ],
)
async def test_invalid_consent_is_refused_with_a_clear_error_and_nothing_recorded(
    client, tokens, factories, overrides, field, message
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)

    body = await _record(
        client, tokens, setting.case_manager, _input(setting, referral_id, **overrides)
    )

    payload = body["data"]["recordConsent"]
    assert payload["consent"] is None
    (error,) = payload["errors"]
    assert (error["field"], error["code"], error["message"]) == (field, "VALIDATION", message)
    assert error["messageDe"]
    listed = await post_graphql(
        client,
        CONSENTS,
        headers=tokens.headers(setting.case_manager),
        variables={"clientId": str(setting.client.id)},
    )
    assert listed.json()["data"]["consents"] == []


@pytest.mark.parametrize("field", ["validFrom", "validUntil"])
async def test_a_time_without_offset_is_refused_before_anything_runs(
    client, tokens, factories, field
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)

    body = await _record(
        client,
        tokens,
        setting.case_manager,
        _input(setting, referral_id, **{field: "2030-01-01T10:00:00"}),
    )

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert "needs its offset" in error["message"]
    listed = await post_graphql(
        client,
        CONSENTS,
        headers=tokens.headers(setting.case_manager),
        variables={"clientId": str(setting.client.id)},
    )
    assert listed.json()["data"]["consents"] == []


async def test_a_start_earlier_on_the_recording_day_is_the_moment_of_recording(
    client, tokens, factories
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    dpo = await factories.staff(setting.jobcenter, Role.DATA_PROTECTION_OFFICER)

    body = await _record(
        client,
        tokens,
        setting.case_manager,
        _input(setting, referral_id, validFrom=_start_of_today().isoformat()),
    )
    report = await post_graphql(
        client,
        CONSENT_IN_ACCESS_REPORT,
        headers=tokens.headers(dpo),
        variables={
            "clientId": str(setting.client.id),
            "from": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
            "to": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        },
    )

    consent = body["data"]["recordConsent"]["consent"]
    assert consent["validFrom"] == consent["recordedAt"]
    assert consent["active"] is True
    (shown,) = report.json()["data"]["accessReport"]["consents"]
    assert shown["validFrom"] == shown["recordedAt"] == consent["recordedAt"]


async def test_a_later_start_is_kept_and_the_consent_waits_for_it(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    next_week = datetime.now(UTC) + timedelta(days=7)

    body = await _record(
        client,
        tokens,
        setting.case_manager,
        _input(setting, referral_id, validFrom=next_week.isoformat()),
    )

    consent = body["data"]["recordConsent"]["consent"]
    assert datetime.fromisoformat(consent["validFrom"]) == next_week
    assert consent["active"] is False


async def test_partner_outside_the_network_cannot_be_granted_anything(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    stranger = await factories.organisation()  # in nobody's network

    body = await _record(
        client,
        tokens,
        setting.case_manager,
        _input(setting, referral_id, granteeOrganisationId=str(stranger.id)),
    )

    (error,) = body["data"]["recordConsent"]["errors"]
    assert (error["field"], error["message"]) == (
        "granteeOrganisationId",
        "not a network partner of this jobcenter",
    )


async def test_explicit_consent_allows_special_categories(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)

    body = await _record(
        client,
        tokens,
        setting.case_manager,
        _input(
            setting,
            referral_id,
            categories=["identity", "assessment_addiction"],
            explicitSpecialCategories=True,
        ),
    )

    assert body["data"]["recordConsent"]["errors"] == []


async def test_client_lists_their_own_consents_but_not_anyone_elses(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await _record(client, tokens, setting.case_manager, _input(setting, referral_id))
    neighbour = await factories.client(setting.jobcenter)

    own = await post_graphql(
        client,
        CONSENTS,
        headers=tokens.headers(setting.client),
        variables={"clientId": str(setting.client.id)},
    )
    other = await post_graphql(
        client,
        CONSENTS,
        headers=tokens.headers(neighbour),
        variables={"clientId": str(setting.client.id)},
    )

    assert [c["active"] for c in own.json()["data"]["consents"]] == [True]
    assert other.json()["data"] is None  # not even the consents' ids
    assert errors_by_path(other.json()) == {("consents",): "NOT_FOUND"}


async def test_team_lead_may_not_record_consents(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    team_lead = await factories.staff(setting.jobcenter, Role.TEAM_LEAD)

    body = await _record(client, tokens, team_lead, _input(setting, referral_id))

    assert body["data"] is None
    assert errors_by_path(body) == {("recordConsent",): "FORBIDDEN"}


async def test_partner_cannot_read_a_clients_consents(client, tokens, factories):
    setting = await referral_setting(factories)

    response = await post_graphql(
        client,
        CONSENTS,
        headers=tokens.headers(setting.counsellor),
        variables={"clientId": str(setting.client.id)},
    )

    assert errors_by_path(response.json()) == {("consents",): "NOT_FOUND"}


async def test_data_categories_are_listed_with_labels_for_the_consent_ui(client, tokens, factories):
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter)

    response = await post_graphql(client, DATA_CATEGORIES, headers=tokens.headers(case_manager))

    listed = {row["key"]: row for row in response.json()["data"]["dataCategories"]}
    assert set(listed) == {str(category) for category in CATEGORIES}
    assert listed["assessment_finances"]["labelDe"] == "Assessment: finanzielle Situation"
    assert {key for key, row in listed.items() if row["special"]} == {
        "assessment_health",
        "assessment_addiction",
    }
    assert all(row["labelEn"] and row["descriptionDe"] for row in listed.values())
