"""Intake (Fallzugang): proposing a client, the rule of thumb, admitting or declining."""

from __future__ import annotations

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.cases.conftest import forbidden_paths, graphql_error, only_error, payload_errors

PROPOSE_CASE = """
mutation Propose($input: ProposeCaseInput!) {
  proposeCase(input: $input) {
    case {
      id status profile
      responsibleCaseManager { id }
      intake {
        intakeReasoning needsInCircumstancesAndCapacity ruleOfThumbMet
        profilingItems { category detail }
        proposedBy { id }
      }
    }
    errors { field code message messageDe }
  }
}
"""

DECIDE_INTAKE = """
mutation Decide($input: DecideIntakeInput!) {
  decideIntake(input: $input) {
    case {
      id status careVariant admittedOn nextReviewDue
      intake { decisionReasoning declineReason decidedBy { id } }
    }
    errors { field code message messageDe }
  }
}
"""

NEEDS = [
    {"category": "CIRCUMSTANCES", "detail": "Schuldenproblematik"},
    {"category": "CIRCUMSTANCES", "detail": "zur Zeit ohne festen Wohnsitz"},
    {"category": "CAPACITY", "detail": "Alkoholsucht durch ärztliches Gutachten bestätigt"},
    {"category": "QUALIFICATION", "detail": "kein Berufsabschluss"},
]


def proposal(world, **overrides):
    return {
        "clientId": str(world.client.id),
        "profile": "STABILISATION",
        "profilingItems": NEEDS,
        "intakeReasoning": "Multiple Vermittlungshemmnisse",
        **overrides,
    }


async def propose(world, by=None, **overrides):
    body = await world.as_(
        by or world.case_manager, PROPOSE_CASE, input=proposal(world, **overrides)
    )
    assert payload_errors(body, "proposeCase") == [], body
    return body["data"]["proposeCase"]["case"]


async def test_case_manager_proposes_and_sees_the_rule_of_thumb(world):
    case = await propose(world)

    assert case["status"] == "PROPOSED"
    assert case["profile"] == "STABILISATION"
    assert case["responsibleCaseManager"] == {"id": str(world.case_manager.id)}
    assert case["intake"]["needsInCircumstancesAndCapacity"] == 3
    assert case["intake"]["ruleOfThumbMet"] is True
    assert [item["category"] for item in case["intake"]["profilingItems"]] == [
        "CIRCUMSTANCES",
        "CIRCUMSTANCES",
        "CAPACITY",
        "QUALIFICATION",
    ]
    assert case["intake"]["proposedBy"] == {"id": str(world.case_manager.id)}


async def test_rule_of_thumb_is_shown_not_enforced(world):
    case = await propose(world, profilingItems=NEEDS[2:])

    assert case["status"] == "PROPOSED"
    assert case["intake"]["ruleOfThumbMet"] is False


async def test_placement_officer_proposes_for_a_named_case_manager_and_sees_the_outcome(world):
    proposed = await world.as_(
        world.placement_officer,
        PROPOSE_CASE,
        input=proposal(world, caseManagerId=str(world.case_manager.id)),
    )
    case = proposed["data"]["proposeCase"]["case"]
    await world.as_(
        world.case_manager,
        DECIDE_INTAKE,
        input={
            "caseId": case["id"],
            "admit": True,
            "careVariant": "FULL_HANDOVER",
            "reasoning": "Übernahme ins Fallmanagement",
        },
    )

    body = await world.as_(world.placement_officer, CASE_AS_PROPOSER, id=case["id"])

    # The note on capacity is health data: not even its author reads it back once it is the
    # case manager's (DESIGN.md, Actors: placement officers see no protected content).
    items = ("proposeCase", "case", "intake", "profilingItems", 2)
    assert forbidden_paths(proposed) == {(*items, "category"), (*items, "detail")}
    assert body["data"]["case"]["status"] == "ADMITTED"
    assert body["data"]["case"]["intake"]["decisionReasoning"] == "Übernahme ins Fallmanagement"
    assert ("case", "assessment", "health") in {tuple(error["path"]) for error in body["errors"]}


CASE_AS_PROPOSER = """
query Case($id: ID!) {
  case(id: $id) { status intake { decisionReasoning } assessment { health { subject } } }
}
"""


async def test_intake_reasoning_is_required(world):
    body = await world.as_(
        world.case_manager, PROPOSE_CASE, input=proposal(world, intakeReasoning="  ")
    )

    assert only_error(body, "proposeCase") == {
        "field": "intakeReasoning",
        "code": "VALIDATION",
        "message": "required",
        "messageDe": "Pflichtangabe",
    }
    assert body["data"]["proposeCase"]["case"] is None


async def test_intake_reasoning_over_1500_characters_is_refused(world):
    body = await world.as_(
        world.case_manager, PROPOSE_CASE, input=proposal(world, intakeReasoning="x" * 1501)
    )

    assert only_error(body, "proposeCase") == {
        "field": "intakeReasoning",
        "code": "VALIDATION",
        "message": "at most 1500 characters",
        "messageDe": "höchstens 1500 Zeichen erlaubt",
    }


async def test_profiling_detail_over_500_characters_is_refused(world):
    items = [*NEEDS, {"category": "CAPACITY", "detail": "y" * 501}]
    body = await world.as_(
        world.case_manager, PROPOSE_CASE, input=proposal(world, profilingItems=items)
    )

    error = only_error(body, "proposeCase")
    assert (error["field"], error["message"]) == (
        "profilingItems.4.detail",
        "at most 500 characters",
    )


async def test_a_client_with_an_open_case_cannot_be_proposed_again(world):
    await propose(world)

    body = await world.as_(world.placement_officer, PROPOSE_CASE, input=proposal(world))

    assert only_error(body, "proposeCase") == {
        "field": "clientId",
        "code": "OPEN_CASE_EXISTS",
        "message": "the client already has an open case in this jobcenter",
        "messageDe": "für die Kundin / den Kunden besteht in diesem Jobcenter bereits ein "
        "offener Fall",
    }


async def test_a_client_with_an_admitted_case_cannot_be_proposed_again(world):
    case = await propose(world)
    await world.as_(
        world.case_manager,
        DECIDE_INTAKE,
        input={
            "caseId": case["id"],
            "admit": True,
            "careVariant": "ACCOMPANYING",
            "reasoning": "Begleitende Betreuung",
        },
    )

    body = await world.as_(world.case_manager, PROPOSE_CASE, input=proposal(world))

    assert only_error(body, "proposeCase")["code"] == "OPEN_CASE_EXISTS"


async def test_admission_sets_care_variant_and_first_review(world):
    case = await propose(world)

    body = await world.as_(
        world.case_manager,
        DECIDE_INTAKE,
        input={
            "caseId": case["id"],
            "admit": True,
            "careVariant": "FULL_HANDOVER",
            "reasoning": "Übernahme",
        },
    )

    decided = body["data"]["decideIntake"]["case"]
    assert decided["status"] == "ADMITTED"
    assert decided["careVariant"] == "FULL_HANDOVER"
    assert decided["nextReviewDue"] > decided["admittedOn"]
    assert decided["intake"]["decidedBy"] == {"id": str(world.case_manager.id)}


async def test_admission_needs_a_decision_reasoning_of_at_most_1000_characters(world):
    case = await propose(world)
    decision = {"caseId": case["id"], "admit": True, "careVariant": "FULL_HANDOVER"}

    missing = await world.as_(
        world.case_manager, DECIDE_INTAKE, input={**decision, "reasoning": ""}
    )
    too_long = await world.as_(
        world.case_manager, DECIDE_INTAKE, input={**decision, "reasoning": "z" * 1001}
    )

    assert only_error(missing, "decideIntake")["message"] == "required"
    assert only_error(too_long, "decideIntake")["message"] == "at most 1000 characters"
    status = await world.as_(world.case_manager, CASE_STATUS, id=case["id"])
    assert status["data"]["case"] == {"status": "PROPOSED", "intake": {"decidedAt": None}}


CASE_STATUS = "query Case($id: ID!) { case(id: $id) { status intake { decidedAt } } }"


async def test_declining_records_the_reason_and_frees_the_client_for_a_new_proposal(world):
    case = await propose(world)

    body = await world.as_(
        world.case_manager,
        DECIDE_INTAKE,
        input={"caseId": case["id"], "admit": False, "reasoning": "Mitwirkung verweigert"},
    )

    declined = body["data"]["decideIntake"]["case"]
    assert declined["status"] == "DECLINED"
    assert declined["intake"]["declineReason"] == "Mitwirkung verweigert"
    assert (await propose(world))["status"] == "PROPOSED"


async def test_deciding_twice_is_an_invalid_transition(world):
    case = await propose(world)
    decline = {"caseId": case["id"], "admit": False, "reasoning": "Mitwirkung verweigert"}
    await world.as_(world.case_manager, DECIDE_INTAKE, input=decline)

    body = await world.as_(world.case_manager, DECIDE_INTAKE, input=decline)

    assert only_error(body, "decideIntake") == {
        "field": None,
        "code": "INVALID_STATE",
        "message": "the intake has already been decided",
        "messageDe": "über den Fallzugang ist bereits entschieden",
    }


async def test_only_the_named_case_manager_decides(world):
    case = await propose(world)

    body = await world.as_(
        world.colleague,
        DECIDE_INTAKE,
        input={"caseId": case["id"], "admit": False, "reasoning": "nein"},
    )

    assert graphql_error(body) == (("decideIntake",), "NOT_FOUND")


async def test_controlling_cannot_propose(world):
    body = await world.as_(world.controlling, PROPOSE_CASE, input=proposal(world))

    assert graphql_error(body) == (("proposeCase",), "FORBIDDEN")


async def test_a_capacity_item_is_stored_as_health_or_addiction_data(world, factories, owner_url):
    items = [
        {"category": "CAPACITY", "detail": "Rückenleiden"},
        {"category": "CAPACITY", "detail": "Alkohol", "subcategory": "ADDICTION"},
        {"category": "CIRCUMSTANCES", "detail": "Mietschulden", "subcategory": "DEBTS"},
        {"category": "QUALIFICATION", "detail": "kein Abschluss"},
    ]
    case = await propose(world, profilingItems=items)

    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT data_category FROM case_profiling_items WHERE case_id = :id"
                    " ORDER BY position"
                ),
                {"id": case["id"]},
            )
        ).scalars()
        stored = list(rows)
    await engine.dispose()
    assert stored == ["assessment_health", "assessment_addiction", "assessment_finances", "intake"]
    assert [item["detail"] for item in case["intake"]["profilingItems"]] == [
        "Rückenleiden",
        "Alkohol",
        "Mietschulden",
        "kein Abschluss",
    ]


async def test_capacity_cannot_be_filed_as_something_else(world):
    body = await world.as_(
        world.case_manager,
        PROPOSE_CASE,
        input=proposal(
            world,
            profilingItems=[{"category": "CAPACITY", "detail": "x", "subcategory": "DEBTS"}],
        ),
    )

    assert only_error(body, "proposeCase") == {
        "field": "profilingItems.0.subcategory",
        "code": "VALIDATION",
        "message": "an item on capacity is about physical or mental capacity or addiction",
        "messageDe": "ein Punkt zur Leistungsfähigkeit betrifft körperliche oder psychische "
        "Leistungsfähigkeit oder Sucht",
    }


@pytest.mark.parametrize("profile", ["MARKET", "ACTIVATION", "PROMOTION"])
async def test_a_market_near_profile_does_not_lead_into_case_management(world, profile):
    body = await world.as_(world.case_manager, PROPOSE_CASE, input=proposal(world, profile=profile))

    (error,) = payload_errors(body, "proposeCase")
    assert (error["field"], error["code"]) == ("profile", "VALIDATION")
    assert "komplexe Profillage" in error["messageDe"]
    assert body["data"]["proposeCase"]["case"] is None
    listed = await world.as_(world.case_manager, "query { cases { edges { node { id } } } }")
    assert listed["data"]["cases"]["edges"] == []
