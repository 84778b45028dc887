"""A week of a jobcenter's work, all through the API (issue 18): the client comes over in an
import file (a bad file first, which changes nothing), is proposed by the placement officer and
admitted; Potenzialanalyse and a Kooperationsplan agreed, changed and reviewed; a note, an
appointment and a follow-up on the due list; a referral to a network partner under the client's
consent; closure with the closing talk and the handover back to the placement officer; and a
referral in after-care, which the partner reads while the after-care lasts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from service.moments import JOBCENTER_TIMEZONE
from tests.admin.conftest import Office, clients_of, make_office
from tests.admin.test_import import IMPORT
from tests.admin.test_staff_and_network import REGISTER_MEMBERSHIP
from tests.cases.conftest import payload_errors
from tests.cases.test_closure import CLOSE, CLOSURE, CREATE_REFERRAL, PARTNER_VIEW
from tests.cases.test_cooperation_plan import ANALYSIS, DRAW_UP, GOAL, ITEMS, PLANS, POSITION
from tests.cases.test_cooperation_plan import REVIEW as PLAN_REVIEW
from tests.cases.test_intake import DECIDE_INTAKE, NEEDS, PROPOSE_CASE
from tests.cases.test_plan_changes import REDATE
from tests.consent.test_consents import RECORD_CONSENT
from tests.diary.conftest import ADD_FOLLOW_UP, ADD_NOTE, appointment_input, note_input
from tests.diary.conftest import PLAN as PLAN_APPOINTMENT
from tests.diary.test_demo_diary import DUE
from tests.graphql import answer_as
from tests.graphql_errors import forbidden_paths
from tests.referral_factories import ALL_INFORMED

HEADER = "customer_number;given_name;family_name;date_of_birth;postal_code\n"
BAD_FILE = HEADER + "962D400001;Rieke;Wendtland;14.03.1979;20095\n962D400002;Lou;;1990-12-01;\n"
GOOD_FILE = HEADER + "962D400001;Rieke;Wendtland;14.03.1979;20095\n"
REFERRALS = "query Mine { referrals { edges { node { id status } } } }"


@pytest.fixture
async def office(factories, client, tokens) -> Office:
    return await make_office(factories, client, tokens)


async def test_a_client_from_the_import_file_to_a_referral_in_after_care(
    office, factories, owner_url
):
    today = datetime.now(JOBCENTER_TIMEZONE).date()
    admin, po, cm = office.admin, office.placement_officer, office.case_manager

    async def step(person, query, mutation, **variables):
        body = await office.as_(person, query, **variables)
        assert payload_errors(body, mutation) == [], body
        return body["data"][mutation]

    # The network partner joins the jobcenter's network; its counsellor has an account.
    organisation = await factories.organisation()
    counsellor = await factories.partner_user(organisation)
    membership = {"organisationId": str(organisation.id), "serviceCategories": ["HOUSING_HELP"]}
    await step(admin, REGISTER_MEMBERSHIP, "registerNetworkMembership", input=membership)

    # The import: a bad file is refused row by row and stores nothing; then the good one.
    bad = await office.as_(admin, IMPORT, input={"content": BAD_FILE, "format": "CSV"})
    rejected = bad["data"]["importClients"]["rejected"]
    assert [(r["row"], r["field"]) for r in rejected] == [(3, "family_name")]
    assert await clients_of(owner_url, office.jobcenter) == []
    imported = await step(
        admin, IMPORT, "importClients", input={"content": GOOD_FILE, "format": "CSV"}
    )
    (client_id,) = imported["clientIds"]

    # Intake: proposed by the placement officer, admitted by the case manager.
    proposal = {
        "clientId": client_id,
        "profile": "STABILISATION",
        "profilingItems": NEEDS,
        "intakeReasoning": "Mietschulden, keine Ausbildung, gesundheitliche Einschränkungen",
        "caseManagerId": str(cm.id),
    }
    proposed = await office.as_(po, PROPOSE_CASE, input=proposal)
    case_id = proposed["data"]["proposeCase"]["case"]["id"]
    # What the placement officer wrote of the client's health is not theirs to read back.
    health = ("proposeCase", "case", "intake", "profilingItems", 2)
    assert forbidden_paths(proposed) == {(*health, "category"), (*health, "detail")}
    admission = {
        "caseId": case_id,
        "admit": True,
        "careVariant": "FULL_HANDOVER",
        "reasoning": "Arbeitsbündnis geschlossen",
    }
    await step(cm, DECIDE_INTAKE, "decideIntake", input=admission)

    # Potenzialanalyse and a Kooperationsplan agreed, changed (a goal re-dated) and reviewed.
    analysis = {"caseId": case_id, "conductedOn": today.isoformat(), "items": ITEMS}
    analysis_id = (await step(cm, ANALYSIS, "recordPotentialAnalysis", input=analysis))["changedId"]
    goal = {
        "caseId": case_id,
        "title": "Wohnung sichern",
        "targetDate": (today + timedelta(days=60)).isoformat(),
    }
    goal_id = (await step(cm, GOAL, "addGoal", input=goal))["changedId"]
    plan = {
        "caseId": case_id,
        "potentialAnalysisId": analysis_id,
        "validFrom": today.isoformat(),
        "plainText": "Zuerst sichern wir gemeinsam Ihre Wohnung.",
    }
    plan_id = (await step(cm, DRAW_UP, "drawUpCooperationPlan", input=plan))["changedId"]
    agreed = {"planId": plan_id, "position": "AGREED"}
    await step(cm, POSITION, "recordPlanPosition", input=agreed)
    later = {
        "itemId": goal_id,
        "targetDate": (today + timedelta(days=90)).isoformat(),
        "reason": "Die Vermieterin will erst im Frühjahr entscheiden",
    }
    await step(cm, REDATE, "redatePlanItem", input=later)
    review = {
        "planId": plan_id,
        "withClient": True,
        "notes": "Gemeinsam überprüft; Ziel neu terminiert.",
        "nextReviewDue": (today + timedelta(days=30)).isoformat(),
    }
    await step(cm, PLAN_REVIEW, "reviewCooperationPlan", input=review)

    # The diary: a note, an appointment, a follow-up due today, which the due list shows.
    await step(cm, ADD_NOTE, "addCaseNote", input=note_input(case_id))
    await step(cm, PLAN_APPOINTMENT, "planAppointment", input=appointment_input(case_id))
    follow_up = {"caseId": case_id, "dueOn": today.isoformat(), "reason": "Mietvertrag prüfen"}
    await step(cm, ADD_FOLLOW_UP, "addFollowUp", input=follow_up)
    due = await office.as_(cm, DUE)
    due_reasons = [
        edge["node"]["followUp"]["reason"]
        for edge in due["data"]["dueList"]["edges"]
        if edge["node"]["followUp"]
    ]
    assert due_reasons == ["Mietvertrag prüfen"]

    # A referral to the housing help, under the client's consent for their identity.
    referral = {
        "caseId": case_id,
        "partnerOrganisationId": str(organisation.id),
        "serviceCategory": "HOUSING_HELP",
        "purpose": "Wohnungssicherung: Mietschulden",
        "firstReportDue": (today + timedelta(days=14)).isoformat(),
    }
    first_id = (await step(cm, CREATE_REFERRAL, "createReferral", input=referral))["referral"]["id"]
    await _consent(office, cm, client_id, organisation.id, first_id)
    during_care = await answer_as(office.http, office.tokens, counsellor, PARTNER_VIEW, id=first_id)
    assert during_care["data"]["referral"]["client"] == {"givenName": "Rieke"}

    # Closure: the closing talk, the handover back to the placement officer, after-care.
    closing = {
        "caseId": case_id,
        "reason": "LASTING_INTEGRATION",
        "reasoning": "Arbeitsaufnahme als Lageristin",
        "retrospective": "Wohnung gesichert, Arbeitsbündnis getragen",
        "prospective": "Probezeit begleiten",
        "clientTookPart": True,
        "aftercareUntil": (today + timedelta(days=90)).isoformat(),
        "handoverToId": str(po.id),
    }
    await step(cm, CLOSE, "closeCase", input=closing)
    closed = await office.as_(cm, CLOSURE, id=case_id)
    assert closed["data"]["case"]["status"] == "CLOSED"
    assert closed["data"]["case"]["handedOverTo"] == {"id": str(po.id)}
    assert closed["data"]["case"]["clientTookPartInClosure"] is True

    # After-care: a new referral (the open one was aborted with the closure), read by the partner.
    aftercare = {**referral, "purpose": "Krisenintervention in der Probezeit"}
    second_id = (await step(cm, CREATE_REFERRAL, "createReferral", input=aftercare))["referral"][
        "id"
    ]
    await _consent(office, cm, client_id, organisation.id, second_id)
    in_aftercare = await answer_as(
        office.http, office.tokens, counsellor, PARTNER_VIEW, id=second_id
    )
    listed = await answer_as(office.http, office.tokens, cm, REFERRALS)
    plans = await office.as_(cm, PLANS, id=case_id)

    assert in_aftercare["data"]["referral"]["client"] == {"givenName": "Rieke"}
    statuses = {e["node"]["id"]: e["node"]["status"] for e in listed["data"]["referrals"]["edges"]}
    assert statuses == {first_id: "ABORTED", second_id: "SENT"}
    (kooperationsplan,) = plans["data"]["case"]["cooperationPlans"]
    assert kooperationsplan["clientPosition"] == "AGREED"
    assert kooperationsplan["reviews"][0]["withClient"] is True


async def _consent(office, cm, client_id: str, organisation_id: uuid.UUID, referral_id: str):
    consent = {
        "clientId": client_id,
        "purpose": "REFERRAL",
        "direction": "TO_PARTNER",
        "granteeOrganisationId": str(organisation_id),
        "referralId": referral_id,
        "categories": ["identity"],
        "validUntil": (datetime.now(UTC) + timedelta(days=180)).isoformat(),
        "evidenceReference": "Einwilligung Wohnungshilfe, unterschrieben",
        "informed": ALL_INFORMED,
    }
    body = await office.as_(cm, RECORD_CONSENT, input=consent)
    assert payload_errors(body, "recordConsent") == [], body
