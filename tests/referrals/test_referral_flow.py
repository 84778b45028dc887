"""A referral's life through the API: the case manager refers, the partner answers, moves it on
and reports back; the jobcenter reads report texts only under a consent in its direction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from service.identity.roles import Role
from service.moments import JOBCENTER_TIMEZONE
from service.partners.categories import ServiceCategory
from service.referrals.models import ReferralStatus
from tests.graphql import post_graphql
from tests.graphql_errors import errors_by_path, forbidden_paths
from tests.referral_factories import admitted_case, consent, referral, referral_setting


def jobcenter_today() -> date:
    """The service's day is Berlin's, not the machine's (they differ 23:00–24:00 UTC)."""
    return datetime.now(JOBCENTER_TIMEZONE).date()


CREATE_REFERRAL = """
mutation Create($input: CreateReferralInput!) {
  createReferral(input: $input) {
    referral { id status serviceCategory purpose statusHistory { status changedByKind } }
    errors { field code message }
  }
}
"""
RESPOND = """
mutation Respond($id: ID!, $accept: Boolean!, $reason: String) {
  respondToReferral(referralId: $id, accept: $accept, reason: $reason) {
    referral { status }
    errors { field code message }
  }
}
"""
UPDATE_STATUS = """
mutation Move($id: ID!, $status: ReferralStatus!) {
  updateReferralStatus(referralId: $id, status: $status) {
    referral { status }
    errors { field code message }
  }
}
"""
REPORT = """
mutation Report($input: ReportProgressInput!) {
  reportProgress(input: $input) {
    referral { status progressReports { reportedOn attendance text } }
    errors { field code message }
  }
}
"""
REPORTS_SEEN_BY_JOBCENTER = """
query Reports($id: ID!) {
  referral(id: $id) { progressReports { reportedOn status text nextAppointment } }
}
"""
OVERDUE = "{ referrals(overdue: true) { edges { node { id overdue } } } }"
NETWORK = """
query Network($category: ServiceCategory) {
  networkPartners(serviceCategory: $category) {
    organisation { slug } jobcenter { slug } serviceCategories
  }
}
"""


def _create_input(setting, **overrides):
    values = {
        "caseId": str(setting.case_id),
        "partnerOrganisationId": str(setting.organisation.id),
        "serviceCategory": "DEBT_COUNSELLING",
        "purpose": "Bitte Schuldenregulierung prüfen und Gläubigerliste erstellen.",
        "firstReportDue": (jobcenter_today() + timedelta(days=21)).isoformat(),
    }
    values.update(overrides)
    return values


async def _call(client, tokens, person, document, **variables):
    response = await post_graphql(
        client, document, headers=tokens.headers(person), variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_case_manager_refers_and_the_partner_accepts(client, tokens, factories):
    setting = await referral_setting(factories)

    created = await _call(
        client, tokens, setting.case_manager, CREATE_REFERRAL, input=_create_input(setting)
    )
    referral_id = created["data"]["createReferral"]["referral"]["id"]
    answered = await _call(client, tokens, setting.counsellor, RESPOND, id=referral_id, accept=True)

    made = created["data"]["createReferral"]["referral"]
    assert (made["status"], made["serviceCategory"]) == ("SENT", "DEBT_COUNSELLING")
    assert made["statusHistory"] == [{"status": "SENT", "changedByKind": "STAFF"}]
    assert answered["data"]["respondToReferral"] == {
        "referral": {"status": "ACCEPTED"},
        "errors": [],
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"purpose": " "}, "purpose", "required"),
        ({"purpose": "x" * 1001}, "purpose", "at most 1000 characters"),
        (
            {"firstReportDue": jobcenter_today().isoformat()},
            "firstReportDue",
            "the first report must be due after today",
        ),
        (
            {"serviceCategory": "HOUSING_HELP"},
            "serviceCategory",
            "this network partner does not offer that service",
        ),
    ],
    ids=["no-purpose", "purpose-too-long", "due-today", "service-not-offered"],
)
async def test_invalid_referral_is_refused_and_nothing_is_created(
    client, tokens, factories, overrides, field, message
):
    setting = await referral_setting(factories)

    body = await _call(
        client,
        tokens,
        setting.case_manager,
        CREATE_REFERRAL,
        input=_create_input(setting, **overrides),
    )
    listed = await _call(
        client, tokens, setting.counsellor, "{ referrals { edges { node { id } } } }"
    )

    payload = body["data"]["createReferral"]
    assert payload["referral"] is None
    assert [(e["field"], e["code"], e["message"]) for e in payload["errors"]] == [
        (field, "VALIDATION", message)
    ]
    assert listed["data"]["referrals"]["edges"] == []


async def test_partner_outside_the_network_cannot_be_referred_to(client, tokens, factories):
    setting = await referral_setting(factories)
    stranger = await factories.organisation()

    body = await _call(
        client,
        tokens,
        setting.case_manager,
        CREATE_REFERRAL,
        input=_create_input(setting, partnerOrganisationId=str(stranger.id)),
    )

    (error,) = body["data"]["createReferral"]["errors"]
    assert (error["field"], error["message"]) == (
        "partnerOrganisationId",
        "not a network partner of this jobcenter",
    )


async def test_only_the_responsible_case_manager_refers(client, tokens, factories):
    """A colleague's case does not exist for a case manager (NOT_FOUND); the team lead reads the
    case but may not refer (FORBIDDEN)."""
    setting = await referral_setting(factories)
    colleague = await factories.staff(setting.jobcenter, Role.CASE_MANAGER)
    team_lead = await factories.staff(setting.jobcenter, Role.TEAM_LEAD)

    by_colleague = await _call(
        client, tokens, colleague, CREATE_REFERRAL, input=_create_input(setting)
    )
    by_team_lead = await _call(
        client, tokens, team_lead, CREATE_REFERRAL, input=_create_input(setting)
    )

    assert errors_by_path(by_colleague) == {("createReferral",): "NOT_FOUND"}
    assert errors_by_path(by_team_lead) == {("createReferral",): "FORBIDDEN"}


async def test_answering_twice_and_skipping_steps_are_invalid_transitions(
    client, tokens, factories
):
    setting = await referral_setting(factories)
    referral_id = str(await referral(factories, setting, status=ReferralStatus.ACCEPTED))

    again = await _call(client, tokens, setting.counsellor, RESPOND, id=referral_id, accept=True)
    skipped = await _call(
        client, tokens, setting.counsellor, UPDATE_STATUS, id=referral_id, status="COMPLETED"
    )

    assert again["data"]["respondToReferral"]["errors"][0]["code"] == "INVALID_STATE"
    assert skipped["data"]["updateReferralStatus"]["errors"] == [
        {
            "field": None,
            "code": "INVALID_STATE",
            "message": "a referral cannot go from accepted to completed",
        }
    ]


async def test_declining_needs_a_reason(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = str(await referral(factories, setting, status=ReferralStatus.SENT))

    body = await _call(client, tokens, setting.counsellor, RESPOND, id=referral_id, accept=False)

    assert body["data"]["respondToReferral"]["errors"][0]["field"] == "reason"


async def test_case_manager_may_withdraw_but_not_move_a_referral_on(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = str(await referral(factories, setting, status=ReferralStatus.ACCEPTED))

    moved = await _call(
        client, tokens, setting.case_manager, UPDATE_STATUS, id=referral_id, status="IN_PROGRESS"
    )
    withdrawn = await _call(
        client, tokens, setting.case_manager, UPDATE_STATUS, id=referral_id, status="ABORTED"
    )

    assert errors_by_path(moved) == {("updateReferralStatus",): "FORBIDDEN"}
    assert withdrawn["data"]["updateReferralStatus"]["referral"] == {"status": "ABORTED"}


async def _report(client, tokens, setting, referral_id, **overrides):
    values = {
        "referralId": referral_id,
        "reportedOn": jobcenter_today().isoformat(),
        "attendance": "ATTENDED",
        "text": "Erstgespräch geführt, Gläubigerliste begonnen.",
        "status": "IN_PROGRESS",
    }
    values.update(overrides)
    return await _call(client, tokens, setting.counsellor, REPORT, input=values)


async def test_partner_reports_progress_and_reads_its_own_report(client, tokens, factories):
    setting = await referral_setting(factories)
    referral_id = str(await referral(factories, setting))

    body = await _report(client, tokens, setting, referral_id)

    assert body["data"]["reportProgress"] == {
        "referral": {
            "status": "IN_PROGRESS",
            "progressReports": [
                {
                    "reportedOn": jobcenter_today().isoformat(),
                    "attendance": "ATTENDED",
                    "text": "Erstgespräch geführt, Gläubigerliste begonnen.",
                }
            ],
        },
        "errors": [],
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"reportedOn": (jobcenter_today() + timedelta(days=1)).isoformat()}, "reportedOn"),
        ({"nextAppointment": "2020-01-01T10:00:00+00:00"}, "nextAppointment"),
    ],
    ids=["empty-text", "text-too-long", "dated-in-future", "appointment-in-past"],
)
async def test_invalid_report_is_refused(client, tokens, factories, overrides, field):
    setting = await referral_setting(factories)
    referral_id = str(await referral(factories, setting))

    body = await _report(client, tokens, setting, referral_id, **overrides)

    assert body["data"]["reportProgress"]["referral"] is None
    assert [e["field"] for e in body["data"]["reportProgress"]["errors"]] == [field]


async def test_jobcenter_sees_that_a_report_exists_but_not_its_text_without_consent(
    client, tokens, factories
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await _report(client, tokens, setting, str(referral_id))

    body = await _call(
        client, tokens, setting.case_manager, REPORTS_SEEN_BY_JOBCENTER, id=str(referral_id)
    )

    (report,) = body["data"]["referral"]["progressReports"]
    assert (report["reportedOn"], report["status"]) == (
        jobcenter_today().isoformat(),
        "IN_PROGRESS",
    )
    assert (report["text"], report["nextAppointment"]) == (None, None)
    assert forbidden_paths(body) == {
        ("referral", "progressReports", 0, "text"),
        ("referral", "progressReports", 0, "nextAppointment"),
    }


async def test_jobcenter_reads_report_text_under_a_consent_in_its_direction(
    client, tokens, factories
):
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    await _report(client, tokens, setting, str(referral_id))
    await consent(factories, setting, referral_id, "progress_reports", direction="to_jobcenter")

    body = await _call(
        client, tokens, setting.case_manager, REPORTS_SEEN_BY_JOBCENTER, id=str(referral_id)
    )

    assert body["data"]["referral"]["progressReports"][0]["text"] == (
        "Erstgespräch geführt, Gläubigerliste begonnen."
    )
    assert "errors" not in body


async def test_overdue_referrals_are_listed_for_the_case_manager(client, tokens, factories):
    setting = await referral_setting(factories)
    overdue = await referral(factories, setting, due=jobcenter_today() - timedelta(days=2))
    await referral(factories, setting, due=jobcenter_today() + timedelta(days=7))
    reported = await referral(factories, setting, due=jobcenter_today() - timedelta(days=2))
    await _report(client, tokens, setting, str(reported))

    body = await _call(client, tokens, setting.case_manager, OVERDUE)

    assert [edge["node"] for edge in body["data"]["referrals"]["edges"]] == [
        {"id": str(overdue), "overdue": True}
    ]


async def test_page_size_is_limited(client, tokens, factories):
    setting = await referral_setting(factories)

    body = await _call(
        client, tokens, setting.counsellor, "{ referrals(first: 101) { edges { cursor } } }"
    )

    assert errors_by_path(body) == {("referrals",): "VALIDATION"}
    assert body["errors"][0]["message"] == "page size must be between 1 and 100"


async def test_pages_follow_each_other_without_gaps(client, tokens, factories):
    setting = await referral_setting(factories)
    made = [str(await referral(factories, setting)) for _ in range(3)]
    page = (
        "query($after: String) { referrals(first: 2, after: $after) { "
        "edges { node { id } } pageInfo { hasNextPage endCursor } } }"
    )

    first = (await _call(client, tokens, setting.counsellor, page))["data"]["referrals"]
    second = (
        await _call(client, tokens, setting.counsellor, page, after=first["pageInfo"]["endCursor"])
    )["data"]["referrals"]

    seen = [edge["node"]["id"] for edge in first["edges"] + second["edges"]]
    assert sorted(seen) == sorted(made)
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (True, False)


async def test_a_page_is_filled_past_referrals_the_reader_may_not_see(client, tokens, factories):
    """A deputy without the client's deputy consent may not read that case's referrals; the
    page is filled from the next readable ones instead of coming back short."""
    setting = await referral_setting(factories)
    colleague = await factories.staff(setting.jobcenter, Role.CASE_MANAGER)
    other_client = await factories.client(setting.jobcenter, family_name="Vertretungsfall")
    deputised = replace(
        setting,
        client=other_client,
        case_id=await admitted_case(
            factories, setting.jobcenter, other_client, colleague, deputy=setting.case_manager
        ),
    )
    start = datetime.now(UTC) - timedelta(hours=1)
    own = [
        str(await referral(factories, setting, created_at=start + timedelta(minutes=n)))
        for n in (1, 2)
    ]
    for n in (3, 4, 5):  # newer, and not the case manager's to read
        await referral(factories, deputised, created_at=start + timedelta(minutes=n))
    page = "{ referrals(first: 2) { edges { node { id } } pageInfo { hasNextPage } } }"

    body = await _call(client, tokens, setting.case_manager, page)

    assert [edge["node"]["id"] for edge in body["data"]["referrals"]["edges"]] == own[::-1]
    assert body["data"]["referrals"]["pageInfo"]["hasNextPage"] is False


async def test_staff_see_their_network_and_partners_their_memberships(client, tokens, factories):
    setting = await referral_setting(factories)
    housing = await factories.organisation(
        setting.jobcenter, categories=(ServiceCategory.HOUSING_HELP,)
    )
    other = await factories.jobcenter()
    await factories.add_membership(setting.organisation, other)

    staff_view = await _call(client, tokens, setting.case_manager, NETWORK, category="HOUSING_HELP")
    partner_view = await _call(client, tokens, setting.counsellor, NETWORK)

    assert staff_view["data"]["networkPartners"] == [
        {
            "organisation": {"slug": housing.slug},
            "jobcenter": {"slug": setting.jobcenter.slug},
            "serviceCategories": ["HOUSING_HELP"],
        }
    ]
    assert {row["jobcenter"]["slug"] for row in partner_view["data"]["networkPartners"]} == {
        setting.jobcenter.slug,
        other.slug,
    }
    assert {row["organisation"]["slug"] for row in partner_view["data"]["networkPartners"]} == {
        setting.organisation.slug
    }


async def test_sibling_fields_share_the_request_session_safely(client, tokens, factories):
    setting = await referral_setting(factories)
    await referral(factories, setting)
    document = (
        "{ a: referrals { edges { node { client { familyName } progressReports { status } } } }"
        "  b: networkPartners { organisation { slug } }"
        "  c: referrals { edges { node { statusHistory { status } } } } }"
    )

    body = await _call(client, tokens, setting.counsellor, document)

    assert len(body["data"]["a"]["edges"]) == len(body["data"]["c"]["edges"]) == 1
    assert body["data"]["b"][0]["organisation"]["slug"] == setting.organisation.slug
