"""One client through a Kooperationsplan (§ 15 SGB II since 2023), all through the API: proposed
and admitted, Potenzialanalyse, a plan drawn up and agreed, changed (a new goal, a new version
the client agrees to, which ends the first the day before), reviewed together, and the case
closed — with both versions, their legal basis and the review readable at the end."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from service.moments import JOBCENTER_TIMEZONE
from tests.cases.conftest import World, make_world, payload_errors
from tests.cases.test_case_work import ADD_GOAL, CLOSE
from tests.cases.test_cooperation_plan import ANALYSIS, DRAW_UP, ITEMS, PLANS, POSITION, REVIEW
from tests.cases.test_intake import DECIDE_INTAKE, NEEDS, PROPOSE_CASE


@pytest.fixture
async def world(factories, client, tokens) -> World:
    return await make_world(factories, client, tokens)


async def test_a_kooperationsplan_from_intake_to_closure(world):
    today = datetime.now(JOBCENTER_TIMEZONE).date()  # the jobcenter's day, as the service's

    async def step(person, query, mutation, **input):
        body = await world.as_(person, query, input=input)
        assert payload_errors(body, mutation) == [], body
        return body["data"][mutation]

    proposed = await world.as_(
        world.placement_officer,
        PROPOSE_CASE,
        input={
            "clientId": str(world.client.id),
            "profile": "STABILISATION",
            "profilingItems": NEEDS,
            "intakeReasoning": "Mehrere Vermittlungshemmnisse",
            "caseManagerId": str(world.case_manager.id),
        },
    )
    case_id = proposed["data"]["proposeCase"]["case"]["id"]
    cm = world.case_manager
    await step(
        cm,
        DECIDE_INTAKE,
        "decideIntake",
        caseId=case_id,
        admit=True,
        careVariant="FULL_HANDOVER",
        reasoning="Arbeitsbündnis vereinbart",
    )
    analysis = (
        await step(
            cm,
            ANALYSIS,
            "recordPotentialAnalysis",
            caseId=case_id,
            conductedOn=today.isoformat(),
            items=ITEMS,
        )
    )["changedId"]
    await step(cm, ADD_GOAL, "addGoal", caseId=case_id, title="Wohnung sichern")
    first = (
        await step(
            cm,
            DRAW_UP,
            "drawUpCooperationPlan",
            caseId=case_id,
            potentialAnalysisId=analysis,
            validFrom=today.isoformat(),
            plainText="Zuerst sichern wir Ihre Wohnung.",
        )
    )["changedId"]
    await step(cm, POSITION, "recordPlanPosition", planId=first, position="AGREED")
    # The plan changes: a new goal, a new version from tomorrow, agreed
    await step(cm, ADD_GOAL, "addGoal", caseId=case_id, title="Schulden ordnen")
    tomorrow = today + timedelta(days=1)
    second = (
        await step(
            cm,
            DRAW_UP,
            "drawUpCooperationPlan",
            caseId=case_id,
            potentialAnalysisId=analysis,
            validFrom=tomorrow.isoformat(),
            plainText="Wohnung gesichert; jetzt ordnen wir die Schulden.",
        )
    )["changedId"]
    await step(cm, POSITION, "recordPlanPosition", planId=second, position="AGREED")
    await step(
        cm,
        REVIEW,
        "reviewCooperationPlan",
        planId=first,
        withClient=True,
        notes="Gemeinsam überprüft; fortgeschrieben ab morgen.",
        nextReviewDue=(today + timedelta(days=30)).isoformat(),
    )
    await step(
        cm,
        CLOSE,
        "closeCase",
        caseId=case_id,
        reason="LASTING_INTEGRATION",
        reasoning="Arbeitsaufnahme im Einzelhandel",
        retrospective="Ziele erreicht",
        prospective="Probezeit begleiten",
        clientTookPart=True,
    )

    body = await world.as_(cm, PLANS, id=case_id)
    assert "errors" not in body, body
    plans = body["data"]["case"]["cooperationPlans"]
    assert [(p["number"], p["kind"], p["clientPosition"]) for p in plans] == [
        (1, "KOOPERATIONSPLAN_2023", "AGREED"),
        (2, "KOOPERATIONSPLAN_2023", "AGREED"),
    ]
    assert [goal["title"] for goal in plans[0]["plan"]] == ["Wohnung sichern"]
    assert [goal["title"] for goal in plans[1]["plan"]] == ["Wohnung sichern", "Schulden ordnen"]
    assert plans[0]["inEffectUntil"] == today.isoformat()
    assert plans[0]["reviews"][0]["withClient"] is True
