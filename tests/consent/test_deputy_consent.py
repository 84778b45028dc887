"""A registered deputy case manager stands in only under the client's deputy consent that names
them, and only in its period (domain/001: Vertretung nur mit Einwilligung): recorded and revoked
through the API by the responsible case manager or the client — never by the deputy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from service.cases.vocabulary import AssessmentSubcategory
from service.identity.roles import Role
from tests.cases.factories import CaseFactories
from tests.factories import Person
from tests.graphql import post_graphql
from tests.graphql_errors import errors_by_path
from tests.referral_factories import (
    ALL_INFORMED,
    ReferralSetting,
    admitted_case,
    consent,
    referral,
)

CASE_FINANCES = "query($id: ID!) { case(id: $id) { assessment { finances { subject } } } }"
RECORD = """
mutation($input: RecordConsentInput!) {
  recordConsent(input: $input) {
    consent { id purpose validFrom validUntil recordedAt deputy { id displayName } }
    errors { field code message messageDe }
  }
}
"""
REVOKE = """
mutation($id: ID!) {
  revokeConsent(consentId: $id, channel: IN_PERSON) { consent { active } errors { message } }
}
"""
REGISTER_DEPUTY = """
mutation($input: RegisterDeputyInput!) {
  registerDeputy(input: $input) { case { deputyCaseManager { id } } errors { field code } }
}
"""
CONSENTS = """
query($clientId: ID!) { consents(clientId: $clientId) { id purpose active deputy { id } } }
"""


@dataclass(frozen=True)
class Absence:
    """The responsible case manager's case, with a registered deputy, a second colleague who may
    become deputy, the team lead, and a partner the client is referred to."""

    setting: ReferralSetting
    deputy: Person
    successor: Person
    team_lead: Person

    @property
    def responsible(self) -> Person:
        return self.setting.case_manager

    @property
    def client(self) -> Person:
        return self.setting.client


@pytest.fixture
async def absence(factories) -> Absence:
    jobcenter = await factories.jobcenter()
    responsible = await factories.staff(jobcenter, Role.CASE_MANAGER)
    deputy = await factories.staff(jobcenter, Role.CASE_MANAGER)
    person = await factories.client(jobcenter)
    case_id = await admitted_case(factories, jobcenter, person, responsible, deputy=deputy)
    await CaseFactories(factories).entry(
        jobcenter, case_id, responsible, AssessmentSubcategory.DEBTS, subject="Mietschulden"
    )
    organisation = await factories.organisation(jobcenter)
    setting = ReferralSetting(
        jobcenter,
        responsible,
        person,
        case_id,
        organisation,
        await factories.partner_user(organisation),
    )
    return Absence(
        setting,
        deputy,
        successor=await factories.staff(jobcenter, Role.CASE_MANAGER),
        team_lead=await factories.staff(jobcenter, Role.TEAM_LEAD),
    )


def deputy_input(absence: Absence, deputy: Person | None, **overrides) -> dict:
    values = {
        "clientId": str(absence.client.id),
        "purpose": "DEPUTY",
        "deputyId": str(deputy.id) if deputy else None,
        "validUntil": (datetime.now(UTC) + timedelta(days=42)).isoformat(),
        "evidenceReference": "Einwilligung Vertretung während des Urlaubs, unterschrieben",
        "informed": ALL_INFORMED,
    }
    values.update(overrides)
    return values


async def _deputy_consent_row(factories, absence: Absence, **period) -> None:
    """A deputy consent naming the registered deputy, written directly (a period the API would
    refuse to record, such as one already over)."""
    await consent(
        factories,
        absence.setting,
        None,
        purpose="deputy",
        direction="to_jobcenter",
        deputy=absence.deputy,
        **period,
    )


async def _call(client, tokens, person, document, **variables):
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _record(client, tokens, person, values) -> dict:
    body = await _call(client, tokens, person, RECORD, input=values)
    return body["data"]["recordConsent"] if body.get("data") else body


async def _reads_finances(client, tokens, absence: Absence, person: Person):
    """The protected area as `person` sees it: the entries, or the error code of the case."""
    body = await _call(client, tokens, person, CASE_FINANCES, id=str(absence.setting.case_id))
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    return body["data"]["case"]["assessment"]["finances"]


async def _consents(client, tokens, absence: Absence) -> list[dict]:
    body = await _call(
        client, tokens, absence.responsible, CONSENTS, clientId=str(absence.client.id)
    )
    return body["data"]["consents"]


async def test_deputy_sees_the_protected_area_only_while_the_deputy_consent_is_active(
    client, tokens, absence
):
    before = await _reads_finances(client, tokens, absence, absence.deputy)
    recorded = await _record(
        client, tokens, absence.responsible, deputy_input(absence, absence.deputy)
    )
    during = await _reads_finances(client, tokens, absence, absence.deputy)
    await _call(client, tokens, absence.client, REVOKE, id=recorded["consent"]["id"])
    after = await _reads_finances(client, tokens, absence, absence.deputy)

    assert recorded["errors"] == []
    assert recorded["consent"]["deputy"] == {
        "id": str(absence.deputy.id),
        "displayName": "Test Mitarbeiterin",
    }
    assert before == "NOT_FOUND"
    assert during == [{"subject": "Mietschulden"}]
    assert after == "NOT_FOUND"


async def test_a_replaced_deputy_needs_a_new_consent(client, tokens, absence):
    await _record(client, tokens, absence.responsible, deputy_input(absence, absence.deputy))
    first_deputy_reads = await _reads_finances(client, tokens, absence, absence.deputy)

    replaced = await _call(
        client,
        tokens,
        absence.team_lead,
        REGISTER_DEPUTY,
        input={"caseId": str(absence.setting.case_id), "deputyId": str(absence.successor.id)},
    )
    successor_under_old_consent = await _reads_finances(client, tokens, absence, absence.successor)
    old_deputy_afterwards = await _reads_finances(client, tokens, absence, absence.deputy)
    recorded = await _record(
        client, tokens, absence.responsible, deputy_input(absence, absence.successor)
    )
    successor_under_own_consent = await _reads_finances(client, tokens, absence, absence.successor)

    assert first_deputy_reads == [{"subject": "Mietschulden"}]
    assert replaced["data"]["registerDeputy"]["case"]["deputyCaseManager"] == {
        "id": str(absence.successor.id)
    }
    assert successor_under_old_consent == "NOT_FOUND"
    assert old_deputy_afterwards == "NOT_FOUND"
    assert recorded["errors"] == []
    assert successor_under_own_consent == [{"subject": "Mietschulden"}]


@pytest.mark.parametrize(
    "period",
    [
        {"valid_from": datetime.now(UTC) + timedelta(days=3)},  # the absence has not begun
        {  # the absence is over
            "valid_from": datetime.now(UTC) - timedelta(days=30),
            "valid_until": datetime.now(UTC) - timedelta(days=1),
        },
    ],
    ids=["not-yet", "over"],
)
async def test_a_deputy_consent_outside_its_period_grounds_no_read(
    client, tokens, factories, absence, period
):
    await _deputy_consent_row(
        factories,
        absence,
        valid_until=period.get("valid_until", datetime.now(UTC) + timedelta(days=30)),
        valid_from=period["valid_from"],
    )

    assert await _reads_finances(client, tokens, absence, absence.deputy) == "NOT_FOUND"


async def test_the_deputy_cannot_record_a_deputy_consent_for_himself(
    client, tokens, factories, absence
):
    # Standing in already, under a short consent the case manager recorded.
    await _deputy_consent_row(factories, absence, valid_until=datetime.now(UTC) + timedelta(days=2))
    five_years = (datetime.now(UTC) + timedelta(days=5 * 365)).isoformat()
    one_month = (datetime.now(UTC) + timedelta(days=30)).isoformat()

    longer = await _record(
        client,
        tokens,
        absence.deputy,
        deputy_input(absence, absence.deputy, validUntil=five_years),
    )
    within_a_year = await _record(
        client, tokens, absence.deputy, deputy_input(absence, absence.deputy, validUntil=one_month)
    )
    (standing,) = await _consents(client, tokens, absence)
    revoke_own = await _call(client, tokens, absence.deputy, REVOKE, id=standing["id"])

    assert errors_by_path(longer) == {("recordConsent",): "FORBIDDEN"}
    assert errors_by_path(within_a_year) == {("recordConsent",): "FORBIDDEN"}
    assert errors_by_path(revoke_own) == {("revokeConsent",): "FORBIDDEN"}
    assert [(c["purpose"], c["active"]) for c in await _consents(client, tokens, absence)] == [
        ("DEPUTY", True)
    ]


@pytest.mark.parametrize("recorder", ["responsible", "client"])
async def test_the_responsible_case_manager_and_the_client_record_a_deputy_consent(
    client, tokens, absence, recorder
):
    person = getattr(absence, recorder)

    payload = await _record(client, tokens, person, deputy_input(absence, absence.deputy))

    assert payload["errors"] == []
    assert payload["consent"]["purpose"] == "DEPUTY"
    assert payload["consent"]["deputy"]["id"] == str(absence.deputy.id)
    assert await _reads_finances(client, tokens, absence, absence.deputy) == [
        {"subject": "Mietschulden"}
    ]


async def test_a_deputy_standing_in_records_referral_consents_for_the_case(
    client, tokens, factories, absence
):
    await _deputy_consent_row(
        factories, absence, valid_until=datetime.now(UTC) + timedelta(days=14)
    )
    referral_id = await referral(factories, absence.setting)

    payload = await _record(
        client,
        tokens,
        absence.deputy,
        {
            "clientId": str(absence.client.id),
            "purpose": "REFERRAL",
            "granteeOrganisationId": str(absence.setting.organisation.id),
            "referralId": str(referral_id),
            "categories": ["identity"],
            "validUntil": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
            "evidenceReference": "Einwilligung Schuldnerberatung, unterschrieben",
            "informed": ALL_INFORMED,
        },
    )

    assert payload["errors"] == []
    assert payload["consent"]["purpose"] == "REFERRAL"
    assert payload["consent"]["deputy"] is None


# One code wherever a person named must be an active case manager (a handover, a deputy).
NOT_A_CASE_MANAGER = "not an active case manager of this jobcenter"


@pytest.mark.parametrize(
    ("who", "overrides", "field", "message"),
    [
        (None, {}, "deputyId", "required"),
        ("client", {}, "deputyId", NOT_A_CASE_MANAGER),
        ("team_lead", {}, "deputyId", NOT_A_CASE_MANAGER),
        (
            "deputy",
            {"validUntil": None},
            "validUntil",
            "a deputy consent ends with the absence: name its end",
        ),
        (
            "deputy",
            {"validUntil": (datetime.now(UTC) + timedelta(days=5 * 365)).isoformat()},
            "validUntil",
            "a deputy consent covers an absence of at most one year",
        ),
        (
            "deputy",
            {
                "validFrom": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
                "validUntil": (datetime.now(UTC) + timedelta(days=400)).isoformat(),
            },
            "validUntil",
            "a deputy consent covers an absence of at most one year",
        ),
    ],
    ids=["no-deputy", "the-client", "not-a-case-manager", "open-ended", "five-years", "13-months"],
)
async def test_an_invalid_deputy_consent_is_refused_and_nothing_is_recorded(
    client, tokens, absence, who, overrides, field, message
):
    named = getattr(absence, who) if who else None

    payload = await _record(
        client, tokens, absence.responsible, deputy_input(absence, named, **overrides)
    )

    assert payload["consent"] is None
    (error,) = payload["errors"]
    code = "NOT_A_CASE_MANAGER" if message == NOT_A_CASE_MANAGER else "VALIDATION"
    assert (error["field"], error["code"], error["message"]) == (field, code, message)
    assert error["messageDe"]
    assert await _consents(client, tokens, absence) == []


async def test_an_inactive_case_manager_cannot_be_named_deputy(client, tokens, factories, absence):
    gone = await factories.staff(absence.setting.jobcenter, Role.CASE_MANAGER, active=False)

    payload = await _record(client, tokens, absence.responsible, deputy_input(absence, gone))

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("deputyId", "NOT_A_CASE_MANAGER")
    ]
    assert await _consents(client, tokens, absence) == []


async def test_a_case_manager_of_another_jobcenter_cannot_be_named_deputy(
    client, tokens, factories, absence
):
    elsewhere = await factories.jobcenter("Jobcenter Anderswo")
    stranger = await factories.staff(elsewhere, Role.CASE_MANAGER)

    payload = await _record(client, tokens, absence.responsible, deputy_input(absence, stranger))

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("deputyId", "NOT_A_CASE_MANAGER")
    ]
    assert await _consents(client, tokens, absence) == []
