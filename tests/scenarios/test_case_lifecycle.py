"""One client through case management: proposed by the placement officer, admitted by the case
manager, assessed, planned, agreed, reviewed and closed — and what each person sees on the way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.cases.conftest import World, forbidden_paths, make_world, payload_errors
from tests.cases.test_case_work import (
    ADD_ENTRY,
    ADD_GOAL,
    CLOSE,
    CONCLUDE,
    RECORD_OUTCOME,
    RECORD_REVIEW,
)
from tests.cases.test_intake import DECIDE_INTAKE, NEEDS, PROPOSE_CASE

AS_TEAM_LEAD = """
query Case($id: ID!) {
  case(id: $id) { status client { familyName } assessment { finances { subject } } goals { title } }
}
"""
AS_PLACEMENT_OFFICER = """
query Case($id: ID!) { case(id: $id) { status closingReason intake { decisionReasoning } } }
"""


@pytest.fixture
async def world(factories, client, tokens) -> World:
    return await make_world(factories, client, tokens)


async def test_michaels_case_from_intake_to_closure(world):
    async def step(person, query, mutation, **input):
        body = await world.as_(person, query, input=input)
        assert payload_errors(body, mutation) == [], body
        return body["data"][mutation]

    # Given the placement officer proposes the client for the named case manager — and gets
    # back everything but the note on capacity, which is health data
    body = await world.as_(
        world.placement_officer,
        PROPOSE_CASE,
        input={
            "clientId": str(world.client.id),
            "profile": "STABILISATION",
            "profilingItems": NEEDS,
            "intakeReasoning": "Multiple Vermittlungshemmnisse",
            "caseManagerId": str(world.case_manager.id),
        },
    )
    assert body["data"]["proposeCase"]["errors"] == []
    assert {tuple(error["path"][-2:]) for error in body["errors"]} == {
        (2, "category"),
        (2, "detail"),
    }
    case_id = body["data"]["proposeCase"]["case"]["id"]
    # When the case manager admits, assesses, plans, agrees, steers and reviews
    await step(
        world.case_manager,
        DECIDE_INTAKE,
        "decideIntake",
        caseId=case_id,
        admit=True,
        careVariant="FULL_HANDOVER",
        reasoning="Arbeitsbündnis vereinbart",
    )
    await step(
        world.case_manager,
        ADD_ENTRY,
        "addAssessmentEntry",
        caseId=case_id,
        kind="STABILISATION_NEED",
        subcategory="DEBTS",
        subject="Schulden ca. 12.000 €",
    )
    goal = await step(
        world.case_manager, ADD_GOAL, "addGoal", caseId=case_id, title="Schuldenregulierung"
    )
    await step(
        world.case_manager,
        CONCLUDE,
        "concludeAgreement",
        caseId=case_id,
        validFrom=date.today().isoformat(),
        validUntil=(date.today() + timedelta(days=180)).isoformat(),
    )
    await step(
        world.case_manager,
        RECORD_OUTCOME,
        "recordOutcome",
        itemId=goal["changedId"],
        outcome="ACHIEVED",
        on=date.today().isoformat(),
    )
    await step(
        world.case_manager,
        RECORD_REVIEW,
        "recordReview",
        caseId=case_id,
        reasoning="Schulden reguliert",
        prognosis="Integration absehbar",
    )
    # Then the team lead sees status, never the content
    team_lead_view = await world.as_(world.team_lead, AS_TEAM_LEAD, id=case_id)
    assert team_lead_view["data"]["case"]["status"] == "ADMITTED"
    assert forbidden_paths(team_lead_view) == {
        ("case", "assessment", "finances"),
        ("case", "goals"),
    }
    # And when the case manager closes the case, the placement officer sees the outcome
    await step(
        world.case_manager,
        CLOSE,
        "closeCase",
        caseId=case_id,
        reason="LASTING_INTEGRATION",
        reasoning="unbefristete Beschäftigung",
        retrospective="Ziele erreicht",
        prospective="Probezeit begleiten",
        clientTookPart=True,
    )
    proposer_view = await world.as_(world.placement_officer, AS_PLACEMENT_OFFICER, id=case_id)
    assert proposer_view == {
        "data": {
            "case": {
                "status": "CLOSED",
                "closingReason": "LASTING_INTEGRATION",
                "intake": {"decisionReasoning": "Arbeitsbündnis vereinbart"},
            }
        }
    }
