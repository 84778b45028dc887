"""Closure and after-care: the closing talk's retrospective and prospective assessment and
whether the client took part (domain/004), the handover back to the placement officer (who,
by whom, when), and referrals in after-care (domain/001: "z.B. durch Krisenintervention,
Netzwerknutzung"), whose purpose ends with the after-care."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import text

from service.identity.roles import Role
from service.moments import JOBCENTER_TIMEZONE
from tests.cases.conftest import forbidden_paths, only_error, payload_errors
from tests.graphql import answer_as
from tests.referral_factories import consent, referral_setting

TODAY = datetime.now(JOBCENTER_TIMEZONE).date()
CLOSE = """
mutation Close($input: CloseCaseInput!) {
  closeCase(input: $input) { case { status } errors { field code message messageDe } }
}
"""
CLOSURE = """
query Closure($id: ID!) {
  case(id: $id) {
    status closingReason
    closingRetrospective closingProspective clientTookPartInClosure
    handedOverTo { id } handedOverBy { id } handedOverAt
  }
}
"""
TALK = {
    "retrospective": "Wohnung gesichert, Schulden reguliert",
    "prospective": "Bewerbungen über die Arbeitsvermittlung",
    "clientTookPart": True,
}
CREATE_REFERRAL = """
mutation Create($input: CreateReferralInput!) {
  createReferral(input: $input) { referral { id status } errors { code message } }
}
"""
PARTNER_VIEW = """
query PartnerView($id: ID!) { referral(id: $id) { purpose status client { givenName } } }
"""
PROTECTED = {
    ("case", "closingRetrospective"),
    ("case", "closingProspective"),
    ("case", "clientTookPartInClosure"),
}


async def _case(world, case_factories) -> str:
    return str(
        await case_factories.case(
            world.jobcenter,
            world.client,
            case_manager=world.case_manager,
            proposer=world.placement_officer,
        )
    )


CASE_LIST = "query Cases { cases { edges { node { id status } } } }"
INTAKE = "query Intake($id: ID!) { case(id: $id) { intake { intakeReasoning } } }"


def _closing(case_id: str, **overrides) -> dict:
    return {
        "caseId": case_id,
        "reason": "LASTING_INTEGRATION",
        "reasoning": "Arbeitsvertrag unbefristet",
        **TALK,
        **overrides,
    }


async def test_closing_records_the_talk_and_the_handover_to_the_placement_officer(
    world, case_factories
):
    case_id = await _case(world, case_factories)
    closing = _closing(case_id, handoverToId=str(world.placement_officer.id))
    closed = await world.as_(world.case_manager, CLOSE, input=closing)
    assert payload_errors(closed, "closeCase") == []

    as_case_manager = (await world.as_(world.case_manager, CLOSURE, id=case_id))["data"]["case"]
    as_placement_officer = await world.as_(world.placement_officer, CLOSURE, id=case_id)
    as_team_lead = await world.as_(world.team_lead, CLOSURE, id=case_id)
    as_client = await world.as_(world.client, CLOSURE, id=case_id)

    assert as_case_manager["closingRetrospective"] == TALK["retrospective"]
    assert as_case_manager["closingProspective"] == TALK["prospective"]
    assert as_case_manager["clientTookPartInClosure"] is True
    assert as_case_manager["handedOverTo"] == {"id": str(world.placement_officer.id)}
    assert as_case_manager["handedOverBy"] == {"id": str(world.case_manager.id)}
    assert as_case_manager["handedOverAt"] is not None
    handover = as_placement_officer["data"]["case"]
    assert (handover["closingReason"], handover["handedOverTo"]) == (
        "LASTING_INTEGRATION",
        {"id": str(world.placement_officer.id)},
    )
    # The talk is the protected area's (case_notes): the case manager's alone.
    assert forbidden_paths(as_placement_officer) >= PROTECTED
    assert forbidden_paths(as_team_lead) >= PROTECTED
    assert forbidden_paths(as_client) >= PROTECTED


async def test_closing_without_the_talk_or_to_someone_not_in_placement_is_refused(
    world, case_factories
):
    case_id = await _case(world, case_factories)

    no_retrospective = await world.as_(
        world.case_manager, CLOSE, input=_closing(case_id, retrospective=" ")
    )
    no_prospective = await world.as_(
        world.case_manager, CLOSE, input=_closing(case_id, prospective="x" * 4001)
    )
    to_a_case_manager = await world.as_(
        world.case_manager, CLOSE, input=_closing(case_id, handoverToId=str(world.colleague.id))
    )

    assert only_error(no_retrospective, "closeCase")["field"] == "retrospective"
    assert only_error(no_prospective, "closeCase")["field"] == "prospective"
    refused = only_error(to_a_case_manager, "closeCase")
    assert (refused["field"], refused["code"]) == ("handoverToId", "NOT_A_PLACEMENT_OFFICER")
    still = await world.as_(world.case_manager, CLOSURE, id=case_id)
    assert still["data"]["case"]["status"] == "ADMITTED"


async def _end_aftercare(factories, setting) -> None:
    """The after-care's last day passes (set as the owner, the jobcenter bound)."""
    async with factories.engine.begin() as conn:
        await conn.execute(
            text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(setting.jobcenter.id)}
        )
        await conn.execute(
            text("UPDATE cases SET aftercare_until = :day WHERE id = :id"),
            {"day": TODAY - timedelta(days=1), "id": setting.case_id},
        )


def _referral_input(setting) -> dict:
    return {
        "caseId": str(setting.case_id),
        "partnerOrganisationId": str(setting.organisation.id),
        "serviceCategory": "DEBT_COUNSELLING",
        "purpose": "Krisenintervention: neue Mahnungen in der Probezeit.",
        "firstReportDue": (TODAY + timedelta(days=14)).isoformat(),
    }


async def test_after_care_refers_to_the_network_until_the_after_care_ends(
    client, tokens, factories
):
    setting = await referral_setting(factories)
    cm, counsellor = setting.case_manager, setting.counsellor
    aftercare = (TODAY + timedelta(days=90)).isoformat()
    closed = await answer_as(
        client, tokens, cm, CLOSE, input=_closing(str(setting.case_id), aftercareUntil=aftercare)
    )
    assert payload_errors(closed, "closeCase") == []

    created = await answer_as(client, tokens, cm, CREATE_REFERRAL, input=_referral_input(setting))
    assert payload_errors(created, "createReferral") == []
    referral = created["data"]["createReferral"]["referral"]
    await consent(factories, setting, uuid.UUID(referral["id"]), "identity")
    during = await answer_as(client, tokens, counsellor, PARTNER_VIEW, id=referral["id"])
    await _end_aftercare(factories, setting)
    after = await answer_as(client, tokens, counsellor, PARTNER_VIEW, id=referral["id"])
    too_late = await answer_as(client, tokens, cm, CREATE_REFERRAL, input=_referral_input(setting))

    assert referral["status"] == "SENT"
    assert during["data"]["referral"]["client"] == {"givenName": "Tobias"}
    # The purpose ended with the after-care: the record stays, the client's data does not.
    assert after["data"]["referral"]["status"] == "SENT"
    assert after["data"]["referral"]["client"] == {"givenName": None}
    assert forbidden_paths(after) == {("referral", "client", "givenName")}
    assert only_error(too_late, "createReferral")["code"] == "INVALID_STATE"


async def test_the_placement_officer_a_case_is_handed_back_to_finds_it_and_how_it_ended(
    world, case_factories, factories
):
    """Not the one who proposed it: a colleague of the placement team takes the client back."""
    case_id = await _case(world, case_factories)
    colleague = await factories.staff(world.jobcenter, Role.PLACEMENT_OFFICER)
    before = await world.as_(colleague, CLOSURE, id=case_id)
    closing = _closing(case_id, handoverToId=str(colleague.id))
    assert (
        payload_errors(await world.as_(world.case_manager, CLOSE, input=closing), "closeCase") == []
    )

    after = await world.as_(colleague, CLOSURE, id=case_id)
    listed = await world.as_(colleague, CASE_LIST)
    intake = await world.as_(colleague, INTAKE, id=case_id)

    assert before["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # not theirs until then
    case = after["data"]["case"]
    assert (case["status"], case["closingReason"]) == ("CLOSED", "LASTING_INTEGRATION")
    assert case["handedOverTo"] == {"id": str(colleague.id)}
    assert forbidden_paths(after) >= PROTECTED  # the closing talk stays the case manager's
    assert listed["data"]["cases"]["edges"] == [{"node": {"id": case_id, "status": "CLOSED"}}]
    assert forbidden_paths(intake) == {("case", "intake", "intakeReasoning")}  # the proposer's
