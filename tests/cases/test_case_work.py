"""Work on an admitted case: assessment, plan and steering, agreements, reviews, closure,
after-care, responsibility and documents — each rule with the error a portal gets."""

from __future__ import annotations

import base64
import uuid
from datetime import date, timedelta

from service.cases.models import CaseStatus
from tests.cases.conftest import forbidden_paths, graphql_error, only_error, payload_errors

ADD_ENTRY = """
mutation Add($input: AddAssessmentEntryInput!) {
  addAssessmentEntry(input: $input) { changedId errors { field code message } }
}
"""
REASSESS = """
mutation Reassess($input: ReassessEntryInput!) {
  reassessEntry(input: $input) { changedId errors { field code message } }
}
"""
ASSESSMENT = """
query Assessment($id: ID!) {
  case(id: $id) {
    assessment {
      finances(includeHistory: true) { id subject category subcategory supersededAt }
      addiction { subject kind }
    }
  }
}
"""
ADD_GOAL = """
mutation Goal($input: AddGoalInput!) {
  addGoal(input: $input) { changedId errors { code message field } }
}
"""
ADD_SUB_GOAL = """
mutation SubGoal($input: AddSubGoalInput!) {
  addSubGoal(input: $input) { changedId errors { code } }
}
"""
ADD_ACTIVITY = """
mutation Activity($input: AddActivityInput!) {
  addActivity(input: $input) { changedId errors { field code message } }
}
"""
RECORD_OUTCOME = """
mutation Outcome($input: RecordOutcomeInput!) {
  recordOutcome(input: $input) { changedId errors { field code message } }
}
"""
CONCLUDE = """
mutation Conclude($input: ConcludeAgreementInput!) {
  concludeAgreement(input: $input) {
    case { agreements { number validFrom validUntil plan } }
    errors { field code message }
  }
}
"""
PLAN = """
query Plan($id: ID!) {
  case(id: $id) {
    goals {
      title resources outcome { result on reason }
      subGoals { title targetDate activities { title responsible } }
      activities { title responsible targetDate outcome { result reason } }
    }
  }
}
"""
RECORD_REVIEW = """
mutation Review($input: RecordReviewInput!) {
  recordReview(input: $input) {
    case { nextReviewDue profile reviews { reasoning prognosis profileBefore profileAfter } }
    errors { field code message }
  }
}
"""
CLOSE = """
mutation Close($input: CloseCaseInput!) {
  closeCase(input: $input) {
    case { status closingReason closingReasoning aftercareUntil closedOn }
    errors { field code message messageDe }
  }
}
"""
AFTERCARE = """
mutation Note($input: AddAftercareNoteInput!) {
  addAftercareNote(input: $input) { case { aftercareNotes { text } } errors { code message } }
}
"""
ASSIGN = """
mutation Assign($input: AssignCaseManagerInput!) {
  assignCaseManager(input: $input) {
    case { responsibleCaseManager { id } } errors { field code message }
  }
}
"""
REGISTER_DEPUTY = """
mutation Deputy($input: RegisterDeputyInput!) {
  registerDeputy(input: $input) { case { deputyCaseManager { id } } errors { field code } }
}
"""
ADD_DOCUMENT = """
mutation Document($input: AddDocumentInput!) {
  addDocument(input: $input) { changedId errors { field code message messageDe } }
}
"""
DOCUMENTS = """
query Documents($id: ID!) {
  case(id: $id) {
    documents { title area accessUntil sizeBytes content { mediaType base64 } }
  }
}
"""
# The closing talk every closure records (domain/004; tests/cases/test_closure.py).
TALK = {
    "retrospective": "Ziele erreicht",
    "prospective": "Probezeit begleiten",
    "clientTookPart": True,
}
CASELOAD = "{ caseload { caseManager { id } openCases guideline overGuideline } }"


async def admitted(world, case_factories, **kwargs):
    return str(
        await case_factories.case(
            world.jobcenter, world.client, case_manager=world.case_manager, **kwargs
        )
    )


async def ok(world, query, mutation, person=None, **input):
    body = await world.as_(person or world.case_manager, query, input=input)
    assert payload_errors(body, mutation) == [], body
    return body["data"][mutation]


# --- assessment


async def test_entries_land_in_the_data_category_of_their_subcategory(world, case_factories):
    case_id = await admitted(world, case_factories)
    await ok(
        world,
        ADD_ENTRY,
        "addAssessmentEntry",
        caseId=case_id,
        kind="STABILISATION_NEED",
        subcategory="DEBTS",
        subject="Schulden ca. 12.000 €",
    )
    await ok(
        world,
        ADD_ENTRY,
        "addAssessmentEntry",
        caseId=case_id,
        kind="STABILISATION_NEED",
        subcategory="ADDICTION",
        subject="Alkohol",
    )

    body = await world.as_(world.case_manager, ASSESSMENT, id=case_id)

    assessment = body["data"]["case"]["assessment"]
    assert [(e["subject"], e["category"], e["subcategory"]) for e in assessment["finances"]] == [
        ("Schulden ca. 12.000 €", "CIRCUMSTANCES", "DEBTS")
    ]
    assert assessment["addiction"] == [{"subject": "Alkohol", "kind": "STABILISATION_NEED"}]


async def test_reassessment_keeps_the_history(world, case_factories):
    case_id = await admitted(world, case_factories)
    first = await ok(
        world,
        ADD_ENTRY,
        "addAssessmentEntry",
        caseId=case_id,
        kind="STABILISATION_NEED",
        subcategory="DEBTS",
        subject="Schulden 12.000 €",
    )
    await ok(
        world,
        REASSESS,
        "reassessEntry",
        entryId=first["changedId"],
        kind="STRENGTH",
        subject="Schuldenregulierung läuft",
    )

    again = await world.as_(
        world.case_manager,
        REASSESS,
        input={"entryId": first["changedId"], "kind": "STRENGTH", "subject": "doppelt"},
    )
    body = await world.as_(world.case_manager, ASSESSMENT, id=case_id)

    assert only_error(again, "reassessEntry")["code"] == "INVALID_STATE"
    entries = body["data"]["case"]["assessment"]["finances"]
    assert [(e["subject"], e["supersededAt"] is None) for e in entries] == [
        ("Schulden 12.000 €", False),
        ("Schuldenregulierung läuft", True),
    ]


async def test_assessment_subject_limit(world, case_factories):
    case_id = await admitted(world, case_factories)

    body = await world.as_(
        world.case_manager,
        ADD_ENTRY,
        input={
            "caseId": case_id,
            "kind": "STRENGTH",
            "subcategory": "LANGUAGE",
            "subject": "s" * 201,
        },
    )

    assert only_error(body, "addAssessmentEntry") == {
        "field": "subject",
        "code": "VALIDATION",
        "message": "at most 200 characters",
    }


async def test_team_lead_cannot_add_assessment_entries(world, case_factories):
    case_id = await admitted(world, case_factories)

    body = await world.as_(
        world.team_lead,
        ADD_ENTRY,
        input={
            "caseId": case_id,
            "kind": "STRENGTH",
            "subcategory": "LANGUAGE",
            "subject": "Deutsch",
        },
    )

    assert graphql_error(body) == (("addAssessmentEntry",), "FORBIDDEN")


# --- plan and steering


async def test_plan_tree_steering_and_agreement_versions(world, case_factories):
    case_id = await admitted(world, case_factories)
    goal = await ok(
        world,
        ADD_GOAL,
        "addGoal",
        caseId=case_id,
        title="Wohnungsbeschaffung",
        resources="keine Mietschulden",
    )
    sub_goal = await ok(
        world,
        ADD_SUB_GOAL,
        "addSubGoal",
        goalId=goal["changedId"],
        title="Wohnungsmarkt analysieren",
        targetDate="2030-05-13",
    )
    await ok(
        world,
        ADD_ACTIVITY,
        "addActivity",
        parentId=sub_goal["changedId"],
        title="Wohnungsangebote heraussuchen",
        responsible="CLIENT",
        targetDate="2030-04-10",
    )
    activity = await ok(
        world,
        ADD_ACTIVITY,
        "addActivity",
        parentId=goal["changedId"],
        title="Vermieter ansprechen",
        responsible="CASE_MANAGER",
        targetDate="2030-04-12",
    )
    await ok(
        world,
        RECORD_OUTCOME,
        "recordOutcome",
        itemId=activity["changedId"],
        outcome="NOT_ACHIEVED",
        on=date.today().isoformat(),
        reason="kein Angebot",
    )
    first = await ok(
        world,
        CONCLUDE,
        "concludeAgreement",
        caseId=case_id,
        validFrom="2030-01-01",
        validUntil="2030-06-30",
    )
    await ok(world, ADD_GOAL, "addGoal", caseId=case_id, title="Berufliche Qualifikation")
    second = await ok(
        world,
        CONCLUDE,
        "concludeAgreement",
        caseId=case_id,
        validFrom="2030-07-01",
        validUntil="2030-12-31",
    )

    body = await world.as_(world.case_manager, PLAN, id=case_id)

    housing, qualification = body["data"]["case"]["goals"]
    assert housing["subGoals"] == [
        {
            "title": "Wohnungsmarkt analysieren",
            "targetDate": "2030-05-13",
            "activities": [{"title": "Wohnungsangebote heraussuchen", "responsible": "CLIENT"}],
        }
    ]
    assert housing["activities"][0]["outcome"] == {
        "result": "NOT_ACHIEVED",
        "reason": "kein Angebot",
    }
    assert qualification["title"] == "Berufliche Qualifikation"
    assert [a["number"] for a in first["case"]["agreements"]] == [1]
    agreements = second["case"]["agreements"]
    assert [a["number"] for a in agreements] == [1, 2]
    assert [g["title"] for g in agreements[0]["plan"]] == ["Wohnungsbeschaffung"]
    assert [g["title"] for g in agreements[1]["plan"]] == [
        "Wohnungsbeschaffung",
        "Berufliche Qualifikation",
    ]


async def test_outcome_rules(world, case_factories):
    case_id = await admitted(world, case_factories)
    goal = await ok(world, ADD_GOAL, "addGoal", caseId=case_id, title="Schuldenregulierung")
    today = date.today().isoformat()

    no_reason = await world.as_(
        world.case_manager,
        RECORD_OUTCOME,
        input={"itemId": goal["changedId"], "outcome": "NOT_ACHIEVED", "on": today},
    )
    future = await world.as_(
        world.case_manager,
        RECORD_OUTCOME,
        input={
            "itemId": goal["changedId"],
            "outcome": "ACHIEVED",
            "on": (date.today() + timedelta(days=2)).isoformat(),
        },
    )
    await ok(
        world,
        RECORD_OUTCOME,
        "recordOutcome",
        itemId=goal["changedId"],
        outcome="ACHIEVED",
        on=today,
    )
    twice = await world.as_(
        world.case_manager,
        RECORD_OUTCOME,
        input={"itemId": goal["changedId"], "outcome": "ACHIEVED", "on": today},
    )

    assert only_error(no_reason, "recordOutcome") == {
        "field": "reason",
        "code": "VALIDATION",
        "message": "required",
    }
    assert only_error(future, "recordOutcome")["field"] == "on"
    assert only_error(twice, "recordOutcome")["code"] == "INVALID_STATE"


async def test_an_agreement_needs_goals_and_a_valid_period(world, case_factories):
    case_id = await admitted(world, case_factories)

    empty = await world.as_(
        world.case_manager,
        CONCLUDE,
        input={"caseId": case_id, "validFrom": "2030-01-01", "validUntil": "2030-06-30"},
    )
    await ok(world, ADD_GOAL, "addGoal", caseId=case_id, title="Wohnung")
    backwards = await world.as_(
        world.case_manager,
        CONCLUDE,
        input={"caseId": case_id, "validFrom": "2030-06-30", "validUntil": "2030-01-01"},
    )

    assert only_error(empty, "concludeAgreement")["field"] == "goals"
    assert only_error(backwards, "concludeAgreement")["field"] == "validUntil"


async def test_a_network_partner_activity_names_the_partner(world, case_factories):
    case_id = await admitted(world, case_factories)
    goal = await ok(world, ADD_GOAL, "addGoal", caseId=case_id, title="Schuldenregulierung")

    body = await world.as_(
        world.case_manager,
        ADD_ACTIVITY,
        input={
            "parentId": goal["changedId"],
            "title": "Beratung",
            "responsible": "NETWORK_PARTNER",
            "targetDate": "2030-01-01",
        },
    )

    assert only_error(body, "addActivity")["field"] == "partnerOrganisationId"


# --- reviews, closure, after-care


async def test_review_needs_reasoning_and_prognosis_and_moves_the_due_date(world, case_factories):
    case_id = await admitted(world, case_factories, review_due_in_days=-5)
    missing = await world.as_(
        world.case_manager,
        RECORD_REVIEW,
        input={"caseId": case_id, "reasoning": "Fortführung nötig", "prognosis": " "},
    )

    done = await ok(
        world,
        RECORD_REVIEW,
        "recordReview",
        caseId=case_id,
        reasoning="Wohnung in Aussicht",
        prognosis="Integration in 12 Monaten",
        profile="DEVELOPMENT",
    )

    assert only_error(missing, "recordReview")["field"] == "prognosis"
    assert done["case"]["nextReviewDue"] > date.today().isoformat()
    assert done["case"]["profile"] == "DEVELOPMENT"
    assert done["case"]["reviews"] == [
        {
            "reasoning": "Wohnung in Aussicht",
            "prognosis": "Integration in 12 Monaten",
            "profileBefore": "STABILISATION",
            "profileAfter": "DEVELOPMENT",
        }
    ]


async def test_closing_a_case_then_only_aftercare_notes(world, case_factories):
    case_id = await admitted(world, case_factories)
    aftercare_until = (date.today() + timedelta(days=90)).isoformat()
    closed = await ok(
        world,
        CLOSE,
        "closeCase",
        caseId=case_id,
        reason="LASTING_INTEGRATION",
        reasoning="Arbeitsvertrag unbefristet",
        aftercareUntil=aftercare_until,
        **TALK,
    )

    again = await world.as_(
        world.case_manager,
        CLOSE,
        input={"caseId": case_id, "reason": "NO_PROSPECT", "reasoning": "noch einmal", **TALK},
    )
    goal = await world.as_(
        world.case_manager, ADD_GOAL, input={"caseId": case_id, "title": "nachträglich"}
    )
    note = await ok(
        world,
        AFTERCARE,
        "addAftercareNote",
        caseId=case_id,
        note="Krisenintervention nach Probezeitgespräch",
    )

    assert closed["case"]["status"] == "CLOSED"
    assert closed["case"]["closingReason"] == "LASTING_INTEGRATION"
    assert closed["case"]["aftercareUntil"] == aftercare_until
    assert only_error(again, "closeCase") == {
        "field": None,
        "code": "INVALID_STATE",
        "message": "the case is already closed",
        "messageDe": "der Fall ist bereits abgeschlossen",
    }
    assert only_error(goal, "addGoal")["message"] == "the case is closed and read-only"
    assert note["case"]["aftercareNotes"] == [{"text": "Krisenintervention nach Probezeitgespräch"}]


async def test_closing_needs_a_reasoning(world, case_factories):
    case_id = await admitted(world, case_factories)

    body = await world.as_(
        world.case_manager,
        CLOSE,
        input={"caseId": case_id, "reason": "NOT_ECONOMICAL", "reasoning": "", **TALK},
    )

    assert only_error(body, "closeCase")["field"] == "reasoning"
    status = await world.as_(
        world.case_manager, "query C($id: ID!) { case(id: $id) { status } }", id=case_id
    )
    assert status["data"]["case"]["status"] == "ADMITTED"


async def test_aftercare_notes_need_aftercare(world, case_factories):
    case_id = await admitted(world, case_factories)
    await ok(
        world,
        CLOSE,
        "closeCase",
        caseId=case_id,
        reason="NO_PROSPECT",
        reasoning="keine Verbesserung erkennbar",
        **TALK,
    )

    body = await world.as_(world.case_manager, AFTERCARE, input={"caseId": case_id, "note": "x"})

    assert only_error(body, "addAftercareNote")["code"] == "INVALID_STATE"


# --- responsibility


async def test_team_lead_reassigns_and_the_previous_case_manager_loses_the_case(
    world, case_factories
):
    case_id = await admitted(world, case_factories)

    body = await ok(
        world,
        ASSIGN,
        "assignCaseManager",
        person=world.team_lead,
        caseId=case_id,
        caseManagerId=str(world.colleague.id),
    )
    before = await world.as_(world.case_manager, ASSESSMENT, id=case_id)
    after = await world.as_(world.colleague, ASSESSMENT, id=case_id)

    assert body["case"]["responsibleCaseManager"] == {"id": str(world.colleague.id)}
    assert graphql_error(before) == (("case",), "NOT_FOUND")
    assert "errors" not in after


async def test_only_case_managers_can_be_assigned(world, case_factories):
    case_id = await admitted(world, case_factories)

    body = await world.as_(
        world.team_lead,
        ASSIGN,
        input={"caseId": case_id, "caseManagerId": str(world.placement_officer.id)},
    )

    assert only_error(body, "assignCaseManager") == {
        "field": "caseManagerId",
        "code": "NOT_A_CASE_MANAGER",
        "message": "not an active case manager of this jobcenter",
    }


async def test_case_managers_cannot_reassign(world, case_factories):
    case_id = await admitted(world, case_factories)

    body = await world.as_(
        world.case_manager,
        ASSIGN,
        input={"caseId": case_id, "caseManagerId": str(world.colleague.id)},
    )

    assert graphql_error(body) == (("assignCaseManager",), "FORBIDDEN")


async def test_registered_deputy_without_consent_still_sees_nothing(world, case_factories):
    case_id = await admitted(world, case_factories)

    body = await ok(
        world, REGISTER_DEPUTY, "registerDeputy", caseId=case_id, deputyId=str(world.colleague.id)
    )
    as_deputy = await world.as_(world.colleague, ASSESSMENT, id=case_id)

    assert body["case"]["deputyCaseManager"] == {"id": str(world.colleague.id)}
    assert graphql_error(as_deputy) == (("case",), "NOT_FOUND")


async def test_caseload_per_case_manager_for_team_leads(world, case_factories, factories):
    for _ in range(2):
        someone = await factories.client(world.jobcenter)
        await case_factories.case(world.jobcenter, someone, case_manager=world.case_manager)
    someone = await factories.client(world.jobcenter)
    await case_factories.case(
        world.jobcenter, someone, case_manager=world.case_manager, status=CaseStatus.CLOSED
    )

    body = await world.as_(world.team_lead, CASELOAD)
    refused = await world.as_(world.controlling, CASELOAD)

    rows = {row["caseManager"]["id"]: row for row in body["data"]["caseload"]}
    assert rows[str(world.case_manager.id)] == {
        "caseManager": {"id": str(world.case_manager.id)},
        "openCases": 2,
        "guideline": 75,
        "overGuideline": False,
    }
    assert rows[str(world.colleague.id)]["openCases"] == 0
    assert graphql_error(refused) == (("caseload",), "FORBIDDEN")


# --- documents


async def test_document_content_is_stored_and_read_back(world, case_factories):
    case_id = await admitted(world, case_factories)
    content = base64.b64encode(b"Gutachten PD Dr. Riem").decode()
    await ok(
        world,
        ADD_DOCUMENT,
        "addDocument",
        caseId=case_id,
        title="Gutachten",
        area="PROTECTED",
        mediaType="text/plain",
        contentBase64=content,
        accessUntil=(date.today() + timedelta(days=365)).isoformat(),
    )

    body = await world.as_(world.case_manager, DOCUMENTS, id=case_id)

    (document,) = body["data"]["case"]["documents"]
    assert document["content"] == {"mediaType": "text/plain", "base64": content}
    assert document["sizeBytes"] == len(b"Gutachten PD Dr. Riem")


async def test_nobody_reads_the_content_after_access_until(world, case_factories):
    case_id = await admitted(world, case_factories)
    await case_factories.document(
        world.jobcenter,
        uuid.UUID(case_id),
        world.case_manager,
        access_until=date.today() - timedelta(days=1),
    )

    body = await world.as_(world.case_manager, DOCUMENTS, id=case_id)

    (document,) = body["data"]["case"]["documents"]
    assert document["title"] == "Gutachten"
    assert document["content"] == {"mediaType": None, "base64": None}
    assert forbidden_paths(body) == {
        ("case", "documents", 0, "content", "mediaType"),
        ("case", "documents", 0, "content", "base64"),
    }


async def test_documents_over_the_size_limit_are_refused(world, case_factories):
    case_id = await admitted(world, case_factories)
    too_big = base64.b64encode(b"0" * (5 * 1024 * 1024 + 1)).decode()

    body = await world.as_(
        world.case_manager,
        ADD_DOCUMENT,
        input={
            "caseId": case_id,
            "title": "Scan",
            "area": "INTEGRATION",
            "mediaType": "image/png",
            "contentBase64": too_big,
        },
    )

    assert only_error(body, "addDocument") == {
        "field": "content",
        "code": "TOO_LARGE",
        "message": "the document is larger than 5 MB",
        "messageDe": "das Dokument ist größer als 5 MB",
    }


async def test_team_lead_gets_forbidden_on_documents(world, case_factories):
    case_id = await admitted(world, case_factories)

    body = await world.as_(world.team_lead, DOCUMENTS, id=case_id)

    assert body["data"]["case"] == {"documents": None}
    assert forbidden_paths(body) == {("case", "documents")}
