"""The plan that changes (Fortschreibung, domain/004): edit, re-date and withdraw goals,
sub-goals and activities, correct an outcome — each with its reason, the earlier version
readable in the item's history, a refused change leaving nothing behind."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.identity.roles import Role
from service.moments import JOBCENTER_TIMEZONE
from tests.cases.conftest import (
    forbidden_paths,
    graphql_error,
    only_error,
    payload_errors,
    rows_of_case,
)

ADD_GOAL = """
mutation Goal($input: AddGoalInput!) { addGoal(input: $input) { changedId errors { code } } }
"""
ADD_SUB_GOAL = """
mutation SubGoal($input: AddSubGoalInput!) {
  addSubGoal(input: $input) { changedId errors { code } }
}
"""
ADD_ACTIVITY = """
mutation Activity($input: AddActivityInput!) {
  addActivity(input: $input) { changedId errors { code } }
}
"""
RECORD_OUTCOME = """
mutation Outcome($input: RecordOutcomeInput!) {
  recordOutcome(input: $input) { changedId errors { code message } }
}
"""
EDIT = """
mutation Edit($input: EditPlanItemInput!, $version: Int) {
  editPlanItem(input: $input, expectedVersion: $version) {
    changedId case { version } errors { field code message messageDe }
  }
}
"""
REDATE = """
mutation Redate($input: RedatePlanItemInput!) {
  redatePlanItem(input: $input) { changedId errors { field code message } }
}
"""
WITHDRAW = """
mutation Withdraw($input: WithdrawPlanItemInput!) {
  withdrawPlanItem(input: $input) { changedId errors { field code message } }
}
"""
CORRECT = """
mutation Correct($input: CorrectOutcomeInput!) {
  correctOutcome(input: $input) { changedId errors { field code message } }
}
"""
HISTORY = """
history {
  change reason changedBy { id } title resources targetDate responsible outcome outcomeOn
  outcomeReason
}
"""
PLAN = f"""
query Plan($id: ID!) {{
  case(id: $id) {{
    version
    goals {{
      title resources targetDate withdrawnOn {HISTORY}
      outcome {{ result on reason }}
      subGoals {{ title targetDate withdrawnOn activities {{ title withdrawnOn }} }}
      activities {{ title responsible targetDate withdrawnOn {HISTORY} }}
    }}
    agreements {{ plan }}
  }}
}}
"""
CONCLUDE = """
mutation Conclude($input: ConcludeAgreementInput!) {
  concludeAgreement(input: $input) { errors { code } }
}
"""
TODAY = datetime.now(JOBCENTER_TIMEZONE).date()  # the jobcenter's day, as the service's
SOON = (TODAY + timedelta(days=60)).isoformat()
LATER = (TODAY + timedelta(days=120)).isoformat()


async def _case(world, case_factories) -> str:
    return str(
        await case_factories.case(world.jobcenter, world.client, case_manager=world.case_manager)
    )


async def _ok(world, query, mutation, **input):
    body = await world.as_(world.case_manager, query, input=input)
    assert payload_errors(body, mutation) == [], body
    return body["data"][mutation]


async def _goal(world, case_id, **fields) -> str:
    added = await _ok(
        world, ADD_GOAL, "addGoal", caseId=case_id, title="Wohnungsbeschaffung", **fields
    )
    return added["changedId"]


async def _plan(world, case_id, person=None) -> dict:
    body = await world.as_(person or world.case_manager, PLAN, id=case_id)
    return body


async def test_a_goal_gets_a_target_date_and_is_redated_with_the_old_date_kept(
    world, case_factories
):
    case_id = await _case(world, case_factories)
    goal = await _goal(world, case_id, targetDate=SOON)

    await _ok(
        world,
        REDATE,
        "redatePlanItem",
        itemId=goal,
        targetDate=LATER,
        reason="Wohnungsmarkt angespannt",
    )

    (node,) = (await _plan(world, case_id))["data"]["case"]["goals"]
    assert node["targetDate"] == LATER
    (revision,) = node["history"]
    assert revision["change"] == "REDATED"
    assert revision["reason"] == "Wohnungsmarkt angespannt"
    assert revision["targetDate"] == SOON
    assert revision["changedBy"] == {"id": str(world.case_manager.id)}


async def test_editing_keeps_the_earlier_text_and_fields_left_out_stay(world, case_factories):
    case_id = await _case(world, case_factories)
    goal = await _goal(world, case_id, resources="keine Mietschulden")
    activity = await _ok(
        world,
        ADD_ACTIVITY,
        "addActivity",
        parentId=goal,
        title="Angebote suchen",
        responsible="CLIENT",
        targetDate=SOON,
    )

    await _ok(
        world,
        EDIT,
        "editPlanItem",
        itemId=goal,
        title="Wohnung in Hamburg-Mitte",
        reason="Ziel mit dem Kunden präzisiert",
    )
    await _ok(
        world,
        EDIT,
        "editPlanItem",
        itemId=activity["changedId"],
        responsible="CASE_MANAGER",
        reason="Kunde braucht Unterstützung",
    )

    (node,) = (await _plan(world, case_id))["data"]["case"]["goals"]
    assert (node["title"], node["resources"]) == ("Wohnung in Hamburg-Mitte", "keine Mietschulden")
    assert [(r["change"], r["title"], r["resources"]) for r in node["history"]] == [
        ("EDITED", "Wohnungsbeschaffung", "keine Mietschulden")
    ]
    (moved,) = node["activities"]
    assert moved["responsible"] == "CASE_MANAGER"
    assert [(r["responsible"], r["reason"]) for r in moved["history"]] == [
        ("CLIENT", "Kunde braucht Unterstützung")
    ]


async def test_withdrawing_a_goal_withdraws_what_is_open_under_it_and_leaves_the_agreement(
    world, case_factories
):
    case_id = await _case(world, case_factories)
    goal = await _goal(world, case_id)
    sub_goal = await _ok(
        world, ADD_SUB_GOAL, "addSubGoal", goalId=goal, title="Markt sichten", targetDate=SOON
    )
    await _ok(
        world,
        ADD_ACTIVITY,
        "addActivity",
        parentId=sub_goal["changedId"],
        title="Anzeigen lesen",
        responsible="CLIENT",
        targetDate=SOON,
    )
    await _goal(world, case_id, targetDate=SOON)

    await _ok(world, WITHDRAW, "withdrawPlanItem", itemId=goal, reason="Wohnung selbst gefunden")
    again = await world.as_(
        world.case_manager, WITHDRAW, input={"itemId": goal, "reason": "noch einmal"}
    )
    below = await world.as_(
        world.case_manager,
        ADD_SUB_GOAL,
        input={"goalId": goal, "title": "nachträglich", "targetDate": SOON},
    )
    await _ok(
        world, CONCLUDE, "concludeAgreement", caseId=case_id, validFrom=SOON, validUntil=LATER
    )

    today = TODAY.isoformat()
    body = (await _plan(world, case_id))["data"]["case"]
    withdrawn, kept = body["goals"]
    assert withdrawn["withdrawnOn"] == today
    assert withdrawn["history"][0]["reason"] == "Wohnung selbst gefunden"
    (sub,) = withdrawn["subGoals"]
    assert sub["withdrawnOn"] == today
    assert sub["activities"] == [{"title": "Anzeigen lesen", "withdrawnOn": today}]
    assert kept["withdrawnOn"] is None
    assert only_error(again, "withdrawPlanItem")["code"] == "INVALID_STATE"
    assert only_error(below, "addSubGoal")["code"] == "INVALID_STATE"
    (agreement,) = body["agreements"]
    assert [g["targetDate"] for g in agreement["plan"]] == [SOON]


async def test_an_outcome_is_corrected_with_a_reason_and_the_earlier_one_kept(
    world, case_factories
):
    case_id = await _case(world, case_factories)
    goal = await _goal(world, case_id)
    today = TODAY.isoformat()
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    no_outcome_yet = await world.as_(
        world.case_manager,
        CORRECT,
        input={"itemId": goal, "outcome": "ACHIEVED", "on": today, "reason": "Irrtum"},
    )
    await _ok(world, RECORD_OUTCOME, "recordOutcome", itemId=goal, outcome="ACHIEVED", on=today)
    without_reason = await world.as_(
        world.case_manager,
        CORRECT,
        input={"itemId": goal, "outcome": "NOT_ACHIEVED", "on": yesterday, "reason": "Irrtum"},
    )
    withdraw = await world.as_(
        world.case_manager, WITHDRAW, input={"itemId": goal, "reason": "zu spät"}
    )

    await _ok(
        world,
        CORRECT,
        "correctOutcome",
        itemId=goal,
        outcome="NOT_ACHIEVED",
        on=yesterday,
        outcomeReason="Mietvertrag nicht unterschrieben",
        reason="Vermieter hat abgesagt",
    )

    (node,) = (await _plan(world, case_id))["data"]["case"]["goals"]
    assert node["outcome"] == {
        "result": "NOT_ACHIEVED",
        "on": yesterday,
        "reason": "Mietvertrag nicht unterschrieben",
    }
    (revision,) = node["history"]
    assert (revision["change"], revision["outcome"], revision["outcomeOn"]) == (
        "OUTCOME_CORRECTED",
        "ACHIEVED",
        today,
    )
    assert revision["reason"] == "Vermieter hat abgesagt"
    assert only_error(no_outcome_yet, "correctOutcome")["code"] == "INVALID_STATE"
    assert only_error(without_reason, "correctOutcome")["field"] == "outcomeReason"
    assert only_error(withdraw, "withdrawPlanItem")["code"] == "INVALID_STATE"


async def test_bad_changes_get_typed_errors_and_change_nothing(world, case_factories, owner_url):
    case_id = await _case(world, case_factories)
    goal = await _goal(world, case_id, targetDate=SOON)
    past = (TODAY - timedelta(days=1)).isoformat()
    cases = {
        "no reason": (EDIT, {"itemId": goal, "title": "Neu", "reason": " "}, "reason"),
        "reason too long": (EDIT, {"itemId": goal, "title": "Neu", "reason": "x" * 1001}, "reason"),
        "responsible on a goal": (
            EDIT,
            {"itemId": goal, "responsible": "CLIENT", "reason": "r"},
            "responsible",
        ),
        "nothing changes": (
            EDIT,
            {"itemId": goal, "title": "Wohnungsbeschaffung", "reason": "r"},
            None,
        ),
        "date in the past": (
            REDATE,
            {"itemId": goal, "targetDate": past, "reason": "r"},
            "targetDate",
        ),
    }
    errors = {}
    for name, (query, input, _) in cases.items():
        body = await world.as_(world.case_manager, query, input=input)
        mutation = next(iter(body["data"]))
        errors[name] = only_error(body, mutation)

    assert {name: error["field"] for name, error in errors.items()} == {
        name: field for name, (_, _, field) in cases.items()
    }
    assert errors["no reason"]["messageDe"]
    assert await rows_of_case(owner_url, "plan_item_revisions", case_id) == 0
    (node,) = (await _plan(world, case_id))["data"]["case"]["goals"]
    assert (node["title"], node["targetDate"]) == ("Wohnungsbeschaffung", SOON)


async def test_a_stale_expected_version_is_a_conflict(world, case_factories):
    case_id = await _case(world, case_factories)
    goal = await _goal(world, case_id)
    version = (await _plan(world, case_id))["data"]["case"]["version"]
    await _ok(world, EDIT, "editPlanItem", itemId=goal, title="Erste Fassung", reason="r")

    stale = await world.as_(
        world.case_manager,
        EDIT,
        input={"itemId": goal, "title": "Zweite Fassung", "reason": "r"},
        version=version,
    )

    assert only_error(stale, "editPlanItem")["code"] == "CONFLICT"
    (node,) = (await _plan(world, case_id))["data"]["case"]["goals"]
    assert node["title"] == "Erste Fassung"


async def test_the_client_reads_the_history_and_the_team_lead_neither_plan_nor_history(
    world, case_factories
):
    case_id = await _case(world, case_factories)
    goal = await _goal(world, case_id, targetDate=SOON)
    await _ok(world, REDATE, "redatePlanItem", itemId=goal, targetDate=LATER, reason="Umzug")
    team_lead_edit = await world.as_(
        world.team_lead, REDATE, input={"itemId": goal, "targetDate": SOON, "reason": "r"}
    )

    as_client = await _plan(world, case_id, world.client)
    as_team_lead = await _plan(world, case_id, world.team_lead)

    (node,) = as_client["data"]["case"]["goals"]
    assert node["history"][0]["reason"] == "Umzug"
    assert ("case", "goals") in forbidden_paths(as_team_lead)
    assert graphql_error(team_lead_edit) == (("redatePlanItem",), "NOT_FOUND")


RESTRICT = """
mutation Restrict($id: ID!) {
  restrictClient(clientId: $id, reason: "Kundin bestreitet die Richtigkeit") { errors { code } }
}
"""


async def test_a_restricted_clients_plan_does_not_change(
    world, case_factories, factories, owner_url
):
    case_id = await _case(world, case_factories)
    goal = await _goal(world, case_id, targetDate=SOON)
    dpo = await factories.staff(world.jobcenter, Role.DATA_PROTECTION_OFFICER)
    restricted = await world.as_(dpo, RESTRICT, id=str(world.client.id))
    assert payload_errors(restricted, "restrictClient") == []

    body = await world.as_(
        world.case_manager, REDATE, input={"itemId": goal, "targetDate": LATER, "reason": "r"}
    )

    assert only_error(body, "redatePlanItem")["code"] == "RESTRICTED"
    assert await rows_of_case(owner_url, "plan_item_revisions", case_id) == 0
