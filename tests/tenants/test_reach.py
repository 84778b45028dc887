"""The partner reach on the rows (migration 0007, service/tenants/reach.py) is exactly what the
referrals give — after the demo seed, and after a partner story told through the API that writes
a row into every table a partner reaches, before and after each referral — and row-level
security lets a partner read exactly those rows: through an ended referral too, never
without one."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.cases.models import PlanItem
from service.consent.models import ConsentRevocation
from service.demo.seed import JOBCENTERS, demo_id
from service.identity.roles import Role
from service.partners.categories import ServiceCategory
from tests.cases.conftest import World, make_world, payload_errors
from tests.cases.test_case_work import (
    ADD_DOCUMENT,
    ADD_ENTRY,
    ADD_GOAL,
    AFTERCARE,
    CLOSE,
    CONCLUDE,
    RECORD_REVIEW,
    TALK,
    ok,
)
from tests.cases.test_cooperation_plan import (
    ANALYSIS,
    DRAW_UP,
    ITEMS,
    POSITION,
    REQUEST,
    REVIEW,
    START,
    TODAY,
)
from tests.cases.test_intake import DECIDE_INTAKE, PROPOSE_CASE, proposal
from tests.cases.test_plan_changes import EDIT
from tests.reach_checks import reach_by, reach_differences
from tests.referral_factories import consent, referral, referral_setting
from tests.referrals.test_referral_flow import CREATE_REFERRAL, UPDATE_STATUS
from tests.tenants.test_row_level_security import as_app_role
from tests.test_not_yours import LIFT, RESTRICT

CATEGORIES = (ServiceCategory.DEBT_COUNSELLING,)


@pytest.fixture
async def owner_engine(owner_url):
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    yield engine
    await engine.dispose()


async def _case_with_content(world: World) -> str:
    """Proposed with its profiling, admitted, assessed, planned (a goal edited: a revision),
    an agreement concluded, reviewed, a document: all before any referral."""
    cm = world.case_manager
    case = (await ok(world, PROPOSE_CASE, "proposeCase", person=cm, **proposal(world)))["case"]
    await ok(
        world,
        DECIDE_INTAKE,
        "decideIntake",
        person=cm,
        caseId=case["id"],
        admit=True,
        careVariant="FULL_HANDOVER",
        reasoning="Übernahme",
    )
    await _work(world, case["id"])
    await ok(
        world,
        CONCLUDE,
        "concludeAgreement",
        person=cm,
        caseId=case["id"],
        validFrom=TODAY.isoformat(),
        validUntil=(TODAY + timedelta(days=180)).isoformat(),
    )
    return case["id"]


async def _work(world: World, case_id: str) -> None:
    """What a case manager adds on any day: an entry, a goal and its edit, a review, a document."""
    cm = world.case_manager
    await ok(
        world,
        ADD_ENTRY,
        "addAssessmentEntry",
        person=cm,
        caseId=case_id,
        kind="STABILISATION_NEED",
        subcategory="DEBTS",
        subject="Schulden",
    )
    goal = await ok(world, ADD_GOAL, "addGoal", person=cm, caseId=case_id, title="Wohnung")
    await ok(
        world,
        EDIT,
        "editPlanItem",
        person=cm,
        itemId=goal["changedId"],
        title="Wohnung sichern",
        reason="präzisiert",
    )
    await ok(
        world,
        RECORD_REVIEW,
        "recordReview",
        person=cm,
        caseId=case_id,
        reasoning="Fortführung nötig",
        prognosis="Stabilisierung in drei Monaten",
    )
    await ok(
        world,
        ADD_DOCUMENT,
        "addDocument",
        person=cm,
        caseId=case_id,
        title="Gutachten",
        area="PROTECTED",
        mediaType="text/plain",
        contentBase64=base64.b64encode(b"Gutachten").decode(),
    )


async def _cooperation(world: World, case_id: str) -> None:
    """Potenzialanalyse, a Kooperationsplan agreed and reviewed, a next version disagreed with
    and its Schlichtung, a binding request."""
    cm = world.case_manager
    analysis = (
        await ok(
            world,
            ANALYSIS,
            "recordPotentialAnalysis",
            person=cm,
            caseId=case_id,
            conductedOn=TODAY.isoformat(),
            items=ITEMS,
        )
    )["changedId"]
    first = await _plan(world, case_id, analysis, TODAY)
    await ok(world, POSITION, "recordPlanPosition", person=cm, planId=first, position="AGREED")
    await ok(
        world,
        REVIEW,
        "reviewCooperationPlan",
        person=cm,
        planId=first,
        withClient=True,
        notes="Plan gilt weiter.",
        nextReviewDue=(TODAY + timedelta(days=90)).isoformat(),
    )
    second = await _plan(world, case_id, analysis, TODAY + timedelta(days=1))
    await ok(
        world,
        POSITION,
        "recordPlanPosition",
        person=cm,
        planId=second,
        position="DISAGREED",
        note="Zu viele Bewerbungen.",
    )
    await ok(
        world,
        START,
        "startConciliation",
        person=cm,
        planId=second,
        requestedBy="CLIENT",
        subject="Zahl",
    )
    await ok(
        world,
        REQUEST,
        "issueCooperationRequest",
        person=cm,
        caseId=case_id,
        action="Zwei Bewerbungen vorlegen.",
        dueOn=(TODAY + timedelta(days=14)).isoformat(),
        legalConsequences="Ohne wichtigen Grund: Minderung nach § 31a SGB II.",
    )


async def _plan(world: World, case_id: str, analysis: str, valid_from) -> str:
    drawn = await ok(
        world,
        DRAW_UP,
        "drawUpCooperationPlan",
        person=world.case_manager,
        caseId=case_id,
        potentialAnalysisId=analysis,
        validFrom=valid_from.isoformat(),
        plainText="Wir sichern die Wohnung.",
    )
    return drawn["changedId"]


async def _refer(world: World, case_id: str, organisation) -> str:
    created = await ok(
        world,
        CREATE_REFERRAL,
        "createReferral",
        person=world.case_manager,
        caseId=case_id,
        partnerOrganisationId=str(organisation.id),
        serviceCategory="DEBT_COUNSELLING",
        purpose="Schuldenregulierung",
        firstReportDue=(TODAY + timedelta(days=21)).isoformat(),
    )
    return created["referral"]["id"]


async def _rows_seen(runtime, tables, organisation, tenant) -> dict[str, int]:
    """How many rows of the jobcenter's each table a partner organisation reads, as the app role."""
    async with as_app_role(runtime, organisation=organisation.id) as conn:
        return {
            table: await conn.scalar(
                text(f"SELECT count(*) FROM {table} WHERE tenant_id = :t"), {"t": tenant}
            )
            for table in tables
        }


async def test_a_partner_story_keeps_every_reach_exact(
    client, tokens, factories, runtime, owner_engine
):
    world = await make_world(factories, client, tokens)
    first, second, never = [
        await factories.organisation(world.jobcenter, categories=CATEGORIES) for _ in range(3)
    ]
    first_counsellor = await factories.partner_user(first)
    dpo = await factories.staff(world.jobcenter, Role.DATA_PROTECTION_OFFICER)

    # given a case with content from before any referral (appended to at referral time) …
    case_id = await _case_with_content(world)
    first_referral = await _refer(world, case_id, first)
    # … content after it (copied from the case), a restriction (copied from the client), lifted …
    await _cooperation(world, case_id)
    await _work(world, case_id)
    restricted = await world.as_(dpo, RESTRICT, id=str(world.client.id))
    lifted = await world.as_(dpo, LIFT, id=str(world.client.id))
    # … a second organisation (appended to all of it), the first referral ended by its partner …
    await _refer(world, case_id, second)
    for status in ("ACCEPTED", "ABORTED"):
        moved = await world.as_(first_counsellor, UPDATE_STATUS, id=first_referral, status=status)
        assert "errors" not in moved, moved
    # … and the case closed (its open referral aborted), with an after-care note after.
    await ok(
        world,
        CLOSE,
        "closeCase",
        person=world.case_manager,
        caseId=case_id,
        reason="LASTING_INTEGRATION",
        reasoning="Arbeitsvertrag",
        aftercareUntil=(TODAY + timedelta(days=90)).isoformat(),
        **TALK,
    )
    await ok(
        world, AFTERCARE, "addAftercareNote", person=world.case_manager, caseId=case_id, note="x"
    )

    async with owner_engine.connect() as conn:
        differences = await reach_differences(conn, [world.jobcenter.id])
        tables = sorted(await reach_by(conn))
        stored = {
            table: await conn.scalar(
                text(f"SELECT count(*) FROM {table} WHERE tenant_id = :t"),
                {"t": world.jobcenter.id},
            )
            for table in tables
        }
    seen_by = {
        organisation: await _rows_seen(runtime, tables, organisation, world.jobcenter.id)
        for organisation in (first, second, never)
    }

    assert payload_errors(restricted, "restrictClient") == []
    assert payload_errors(lifted, "liftRestriction") == []
    assert differences == []
    # every table a partner reaches was written by the story: no insert path went untried
    assert [table for table, count in stored.items() if count == 0] == []
    assert seen_by[first] == stored  # an ended referral still reaches (the guard decides fields)
    assert seen_by[second] == stored
    assert set(seen_by[never].values()) == {0}


async def test_the_demo_seed_reaches_exactly_what_its_referrals_give(dev_settings, owner_engine):
    demo = [demo_id(jobcenter.slug) for jobcenter in JOBCENTERS]
    async with owner_engine.connect() as conn:
        differences = await reach_differences(conn, demo)
        reached = await conn.scalar(
            text(
                "SELECT count(*) FROM cases"
                " WHERE tenant_id = ANY (:demo) AND reached_by IS NOT NULL"
            ),
            {"demo": demo},
        )

    assert differences == []
    assert reached >= 2  # the demo's partners reach cases: the check compared real arrays


async def test_a_row_given_another_reach_gets_its_cases_all_the_same(factories, owner_engine):
    setting = await referral_setting(factories)
    await referral(factories, setting)
    stranger = uuid.uuid4()
    async with factories._session(tenant=setting.jobcenter.id) as session:
        session.add(
            PlanItem(
                tenant_id=setting.jobcenter.id,
                case_id=setting.case_id,
                kind="goal",
                title="Ziel",
                reached_by=[stranger],
            )
        )

    async with owner_engine.connect() as conn:
        stored = await conn.scalar(
            text("SELECT reached_by FROM plan_items WHERE case_id = :c"), {"c": setting.case_id}
        )

    assert stored == [setting.organisation.id]


async def test_a_revocation_given_no_grantee_carries_its_consents(factories, owner_engine):
    # Stored without it, the partner's policy would hide the revocation, and the partner would
    # read the consent as still active.
    setting = await referral_setting(factories)
    referral_id = await referral(factories, setting)
    consent_id = await consent(factories, setting, referral_id, "identity")
    async with factories._session(tenant=setting.jobcenter.id) as session:
        session.add(
            ConsentRevocation(
                tenant_id=setting.jobcenter.id,
                consent_id=consent_id,
                grantee_organisation_id=None,
                revoked_by_kind="client",
                revoked_by_id=setting.client.id,
                channel="letter",
            )
        )

    async with owner_engine.connect() as conn:
        stored = await conn.scalar(
            text("SELECT grantee_organisation_id FROM consent_revocations WHERE consent_id = :c"),
            {"c": consent_id},
        )

    assert stored == setting.organisation.id
