"""The Kooperationsplan (§§ 15, 15a SGB II since 2023) through the API: drawn up after a
Potenzialanalyse, agreed or not, reviewed at the latest every six months, versions that never
overlap, Schlichtung on a disagreement, and binding requests only with their advice on legal
consequences — each rule with the error a portal gets, and the analysis' items under the data
category of what they say."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.moments import JOBCENTER_TIMEZONE, add_months
from tests.cases.conftest import graphql_error, only_error, payload_errors
from tests.graphql_errors import forbidden_paths
from tests.referral_factories import consent, referral, referral_setting

ANALYSIS = """
mutation Analysis($input: RecordPotentialAnalysisInput!) {
  recordPotentialAnalysis(input: $input) { changedId errors { field code message messageDe } }
}
"""
GOAL = """
mutation Goal($input: AddGoalInput!) { addGoal(input: $input) { changedId errors { code } } }
"""
DRAW_UP = """
mutation DrawUp($input: DrawUpCooperationPlanInput!) {
  drawUpCooperationPlan(input: $input) { changedId errors { field code message messageDe } }
}
"""
POSITION = """
mutation Position($input: RecordPlanPositionInput!) {
  recordPlanPosition(input: $input) { changedId errors { field code message } }
}
"""
REVIEW = """
mutation Review($input: ReviewCooperationPlanInput!) {
  reviewCooperationPlan(input: $input) { changedId errors { field code message } }
}
"""
START = """
mutation Start($input: StartConciliationInput!) {
  startConciliation(input: $input) { changedId errors { field code message } }
}
"""
END = """
mutation End($input: EndConciliationInput!) {
  endConciliation(input: $input) { changedId errors { field code message } }
}
"""
REQUEST = """
mutation Request($input: IssueCooperationRequestInput!) {
  issueCooperationRequest(input: $input) { changedId errors { field code message messageDe } }
}
"""
PLANS = """
query Plans($id: ID!) {
  case(id: $id) {
    potentialAnalyses { conductedOn items { kind subcategory text } }
    cooperationPlans {
      id number kind legalBasis validFrom supersededFrom inEffectUntil inEffect reviewDue
      reviewOverdue plainText plan clientPosition clientPositionNote
      reviews { withClient notes nextReviewDue }
    }
    conciliations { status requestedBy subject outcome endedOn }
    cooperationRequests { issuedOn action dueOn legalConsequences }
  }
}
"""
ITEMS = [
    {"kind": "STRENGTH", "subcategory": "WORK_EXPERIENCE", "text": "Zehn Jahre Lagerlogistik."},
    {"kind": "NEED", "subcategory": "ADDICTION", "text": "Alkohol, Behandlung begonnen."},
    {"kind": "CLIENT_VIEW", "subcategory": "HOUSING", "text": "Erst die Wohnung, dann Arbeit."},
]
# The jobcenter's day, as the service counts it: between 23:00 and 24:00 UTC (winter) Berlin
# is a day ahead of the UTC date, and a plan "valid from" the UTC date would lie in the past.
TODAY = datetime.now(JOBCENTER_TIMEZONE).date()


async def _ok(world, document, mutation, **input):
    body = await world.as_(world.case_manager, document, input=input)
    assert payload_errors(body, mutation) == [], body
    return body["data"][mutation]["changedId"]


async def _plans(world, case_id):
    body = await world.as_(world.case_manager, PLANS, id=case_id)
    assert "errors" not in body, body
    return body["data"]["case"]


async def _ready(world, case_factories) -> tuple[str, str]:
    """An admitted case with a Potenzialanalyse and a goal: what a plan is drawn up from."""
    case_id = str(
        await case_factories.case(world.jobcenter, world.client, case_manager=world.case_manager)
    )
    analysis = await _ok(
        world,
        ANALYSIS,
        "recordPotentialAnalysis",
        caseId=case_id,
        conductedOn=TODAY.isoformat(),
        items=ITEMS,
    )
    await _ok(world, GOAL, "addGoal", caseId=case_id, title="Wohnung sichern")
    return case_id, analysis


async def _draw(world, case_id, analysis, valid_from=TODAY, text="Wir sichern die Wohnung."):
    return await world.as_(
        world.case_manager,
        DRAW_UP,
        input={
            "caseId": case_id,
            "potentialAnalysisId": analysis,
            "validFrom": valid_from.isoformat(),
            "plainText": text,
        },
    )


async def test_a_plan_is_drawn_up_agreed_and_reviewed_under_the_law_of_2023(world, case_factories):
    case_id, analysis = await _ready(world, case_factories)

    drawn = await _draw(world, case_id, analysis)
    plan_id = drawn["data"]["drawUpCooperationPlan"]["changedId"]
    pending = (await _plans(world, case_id))["cooperationPlans"][0]
    await _ok(world, POSITION, "recordPlanPosition", planId=plan_id, position="AGREED")
    too_late = await world.as_(
        world.case_manager,
        REVIEW,
        input={
            "planId": plan_id,
            "withClient": True,
            "notes": "Gemeinsam besprochen.",
            "nextReviewDue": (add_months(TODAY, 6) + timedelta(days=1)).isoformat(),
        },
    )
    next_due = (TODAY + timedelta(days=90)).isoformat()
    await _ok(
        world,
        REVIEW,
        "reviewCooperationPlan",
        planId=plan_id,
        withClient=True,
        notes="Gemeinsam besprochen, Plan gilt weiter.",
        nextReviewDue=next_due,
    )
    case = await _plans(world, case_id)

    assert case["potentialAnalyses"] == [
        {
            "conductedOn": TODAY.isoformat(),
            "items": [
                {"kind": item["kind"], "subcategory": item["subcategory"], "text": item["text"]}
                for item in ITEMS
            ],
        }
    ]
    assert (pending["clientPosition"], pending["inEffect"]) == ("PENDING", False)
    assert pending["reviewDue"] == add_months(TODAY, 6).isoformat()
    assert only_error(too_late, "reviewCooperationPlan")["field"] == "nextReviewDue"
    (plan,) = case["cooperationPlans"]
    assert plan["kind"] == "KOOPERATIONSPLAN_2023"
    assert plan["legalBasis"] == "SGB II § 15 (2023)"
    assert plan["plainText"] == "Wir sichern die Wohnung."
    assert plan["plan"][0]["title"] == "Wohnung sichern"
    assert (plan["clientPosition"], plan["inEffect"], plan["inEffectUntil"]) == (
        "AGREED",
        True,
        None,
    )
    assert (plan["reviewDue"], plan["reviewOverdue"]) == (next_due, False)
    assert plan["reviews"] == [
        {
            "withClient": True,
            "notes": "Gemeinsam besprochen, Plan gilt weiter.",
            "nextReviewDue": next_due,
        }
    ]


async def test_versions_never_overlap_and_an_agreed_one_ends_the_one_before(world, case_factories):
    case_id, analysis = await _ready(world, case_factories)
    first = (await _draw(world, case_id, analysis))["data"]["drawUpCooperationPlan"]["changedId"]
    await _ok(world, POSITION, "recordPlanPosition", planId=first, position="AGREED")

    same_day = await _draw(world, case_id, analysis, text="Neue Fassung")
    yesterday = await _draw(world, case_id, analysis, valid_from=TODAY - timedelta(days=1))
    tomorrow = TODAY + timedelta(days=1)
    second = (await _draw(world, case_id, analysis, valid_from=tomorrow, text="Fortgeschrieben"))[
        "data"
    ]["drawUpCooperationPlan"]["changedId"]
    before_agreement = (await _plans(world, case_id))["cooperationPlans"][0]
    await _ok(world, POSITION, "recordPlanPosition", planId=second, position="AGREED")
    plans = (await _plans(world, case_id))["cooperationPlans"]

    refused = only_error(same_day, "drawUpCooperationPlan")
    assert (refused["field"], refused["code"]) == ("validFrom", "VALIDATION")
    assert "Beginn der letzten Fassung" in refused["messageDe"]
    assert only_error(yesterday, "drawUpCooperationPlan")["field"] == "validFrom"
    assert before_agreement["supersededFrom"] is None  # a proposal ends nothing
    assert [(p["number"], p["plainText"]) for p in plans] == [
        (1, "Wir sichern die Wohnung."),
        (2, "Fortgeschrieben"),
    ]
    assert (plans[0]["supersededFrom"], plans[0]["inEffectUntil"], plans[0]["inEffect"]) == (
        tomorrow.isoformat(),
        TODAY.isoformat(),
        True,
    )
    assert (plans[1]["inEffect"], plans[1]["inEffectUntil"]) == (False, None)  # from tomorrow


async def test_a_plan_needs_an_analysis_of_the_case_and_a_goal(world, case_factories, factories):
    case_id = str(
        await case_factories.case(world.jobcenter, world.client, case_manager=world.case_manager)
    )
    analysis = await _ok(
        world,
        ANALYSIS,
        "recordPotentialAnalysis",
        caseId=case_id,
        conductedOn=TODAY.isoformat(),
        items=ITEMS[:1],
    )
    future = await world.as_(
        world.case_manager,
        ANALYSIS,
        input={
            "caseId": case_id,
            "conductedOn": (TODAY + timedelta(days=1)).isoformat(),
            "items": ITEMS[:1],
        },
    )
    no_goal = await _draw(world, case_id, analysis)
    other_case = str(
        await case_factories.case(
            world.jobcenter,
            await factories.client(world.jobcenter),
            case_manager=world.case_manager,
        )
    )
    await _ok(world, GOAL, "addGoal", caseId=other_case, title="Ziel")
    foreign_analysis = await _draw(world, other_case, analysis)

    assert only_error(future, "recordPotentialAnalysis")["field"] == "conductedOn"
    assert only_error(no_goal, "drawUpCooperationPlan")["field"] == "goals"
    assert only_error(foreign_analysis, "drawUpCooperationPlan")["field"] == "potentialAnalysisId"
    assert (await _plans(world, case_id))["cooperationPlans"] == []


async def test_a_disagreement_goes_to_a_conciliation_with_its_outcome(world, case_factories):
    case_id, analysis = await _ready(world, case_factories)
    plan_id = (await _draw(world, case_id, analysis))["data"]["drawUpCooperationPlan"]["changedId"]

    without_reason = await world.as_(
        world.case_manager, POSITION, input={"planId": plan_id, "position": "DISAGREED"}
    )
    await _ok(
        world,
        POSITION,
        "recordPlanPosition",
        planId=plan_id,
        position="DISAGREED",
        note="Die Zahl der Bewerbungen ist zu hoch.",
    )
    again = await world.as_(
        world.case_manager, POSITION, input={"planId": plan_id, "position": "AGREED"}
    )
    start = {"planId": plan_id, "requestedBy": "CLIENT", "subject": "Zahl der Bewerbungen"}
    conciliation = await _ok(world, START, "startConciliation", **start)
    second = await world.as_(world.case_manager, START, input=start)
    await _ok(
        world,
        END,
        "endConciliation",
        conciliationId=conciliation,
        status="AGREED",
        outcome="Zwei Bewerbungen im Monat.",
    )
    ended_again = await world.as_(
        world.case_manager,
        END,
        input={"conciliationId": conciliation, "status": "NOT_AGREED", "outcome": "x"},
    )
    case = await _plans(world, case_id)

    assert only_error(without_reason, "recordPlanPosition")["field"] == "note"
    assert only_error(again, "recordPlanPosition")["code"] == "INVALID_STATE"
    assert only_error(second, "startConciliation")["code"] == "INVALID_STATE"
    assert only_error(ended_again, "endConciliation")["code"] == "INVALID_STATE"
    assert case["cooperationPlans"][0]["clientPosition"] == "DISAGREED"
    assert case["cooperationPlans"][0]["inEffect"] is False
    assert case["conciliations"] == [
        {
            "status": "AGREED",
            "requestedBy": "CLIENT",
            "subject": "Zahl der Bewerbungen",
            "outcome": "Zwei Bewerbungen im Monat.",
            "endedOn": TODAY.isoformat(),
        }
    ]


async def test_an_agreed_plan_goes_to_no_conciliation(world, case_factories):
    case_id, analysis = await _ready(world, case_factories)
    plan_id = (await _draw(world, case_id, analysis))["data"]["drawUpCooperationPlan"]["changedId"]
    await _ok(world, POSITION, "recordPlanPosition", planId=plan_id, position="AGREED")

    body = await world.as_(
        world.case_manager,
        START,
        input={"planId": plan_id, "requestedBy": "JOBCENTER", "subject": "Streit"},
    )

    assert only_error(body, "startConciliation")["code"] == "INVALID_STATE"
    assert (await _plans(world, case_id))["conciliations"] == []


async def test_a_binding_request_needs_its_advice_on_legal_consequences(world, case_factories):
    case_id, _ = await _ready(world, case_factories)
    due = (TODAY + timedelta(days=14)).isoformat()
    request = {"caseId": case_id, "action": "Zwei Bewerbungen vorlegen.", "dueOn": due}

    blank = await world.as_(
        world.case_manager, REQUEST, input={**request, "legalConsequences": "  "}
    )
    past = await world.as_(
        world.case_manager,
        REQUEST,
        input={
            **request,
            "dueOn": (TODAY - timedelta(days=1)).isoformat(),
            "legalConsequences": "B",
        },
    )
    await _ok(
        world,
        REQUEST,
        "issueCooperationRequest",
        **request,
        legalConsequences="Ohne wichtigen Grund nicht nachgekommen: Minderung nach § 31a SGB II.",
    )

    assert only_error(blank, "issueCooperationRequest")["field"] == "legalConsequences"
    assert only_error(past, "issueCooperationRequest")["field"] == "dueOn"
    assert (await _plans(world, case_id))["cooperationRequests"] == [
        {
            "issuedOn": TODAY.isoformat(),
            "action": "Zwei Bewerbungen vorlegen.",
            "dueOn": due,
            "legalConsequences": "Ohne wichtigen Grund nicht nachgekommen: Minderung nach "
            "§ 31a SGB II.",
        }
    ]


async def test_a_colleague_finds_no_plan_and_a_team_lead_may_not_work_on_it(world, case_factories):
    case_id, analysis = await _ready(world, case_factories)
    plan_id = (await _draw(world, case_id, analysis))["data"]["drawUpCooperationPlan"]["changedId"]
    answer = {"planId": plan_id, "position": "AGREED"}

    colleague = await world.as_(world.colleague, POSITION, input=answer)
    team_lead = await world.as_(world.team_lead, POSITION, input=answer)
    team_lead_draw = await world.as_(
        world.team_lead,
        DRAW_UP,
        input={
            "caseId": case_id,
            "potentialAnalysisId": analysis,
            "validFrom": TODAY.isoformat(),
            "plainText": "x",
        },
    )

    assert graphql_error(colleague) == (("recordPlanPosition",), "NOT_FOUND")
    assert graphql_error(team_lead) == (("recordPlanPosition",), "NOT_FOUND")
    assert graphql_error(team_lead_draw) == (("drawUpCooperationPlan",), "FORBIDDEN")
    assert (await _plans(world, case_id))["cooperationPlans"][0]["clientPosition"] == "PENDING"


PARTNER_ANALYSIS = """
query PartnerAnalysis($id: ID!) {
  referral(id: $id) { case { potentialAnalyses { conductedOn items { kind text } } } }
}
"""


async def test_a_need_on_addiction_reaches_a_partner_only_under_explicit_consent(
    client, tokens, factories
):
    from tests.cases.conftest import make_world  # the partner's jobcenter, not a fresh one
    from tests.graphql import post_graphql

    setting = await referral_setting(factories)
    world = await make_world(factories, client, tokens)
    world.jobcenter, world.case_manager = setting.jobcenter, setting.case_manager
    await _ok(
        world,
        ANALYSIS,
        "recordPotentialAnalysis",
        caseId=str(setting.case_id),
        conductedOn=TODAY.isoformat(),
        items=ITEMS[:2],
    )
    referral_id = await referral(factories, setting)
    await consent(factories, setting, referral_id, "integration_plan", "assessment_qualification")

    response = await post_graphql(
        client,
        PARTNER_ANALYSIS,
        headers=tokens.headers(setting.counsellor),
        variables={"id": str(referral_id)},
    )
    body = response.json()

    (analysis,) = body["data"]["referral"]["case"]["potentialAnalyses"]
    assert analysis["items"] == [
        {"kind": "STRENGTH", "text": "Zehn Jahre Lagerlogistik."},
        {"kind": None, "text": None},
    ]
    items = ("referral", "case", "potentialAnalyses", 0, "items", 1)
    assert forbidden_paths(body) == {(*items, "kind"), (*items, "text")}
