"""Who reads which part of a case's diary: the client their own appointments — when, where,
what kind, whether held — but not the notes, the follow-ups or the internal note; a team lead
none of its content; a deputy only under the client's deputy consent. Restriction (Art. 18)
refuses new entries, and erasure leaves no note text behind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from service.identity.roles import Role
from tests.cases.conftest import graphql_error, only_error
from tests.diary.conftest import (
    ADD_FOLLOW_UP,
    ADD_NOTE,
    DIARY,
    PLAN,
    TODAY,
    appointment_input,
    as_owner,
    note_input,
    ok,
)
from tests.graphql_errors import errors_by_path
from tests.referral_factories import ReferralSetting, consent

CLIENT_VIEW = """
query Mine($id: ID!) {
  diary(caseId: $id) { appointments { kind startsAt place status internalNote } notes { edges {
    node { id } } } followUps { id } }
}
"""
RESTRICT = """
mutation R($id: ID!) { restrictClient(clientId: $id, reason: "Widerspruch") { errors { code } } }
"""
ERASE = "mutation E($id: ID!) { eraseClient(clientId: $id) { erased errors { code } } }"


async def _filled(world, case_id) -> None:
    await ok(world, ADD_NOTE, "addCaseNote", input=note_input(case_id))
    await ok(world, PLAN, "planAppointment", input=appointment_input(case_id))
    await ok(
        world,
        ADD_FOLLOW_UP,
        "addFollowUp",
        input={"caseId": str(case_id), "dueOn": TODAY.isoformat(), "reason": "Nachfassen"},
    )


async def test_the_client_reads_their_appointments_but_no_notes(world, case_id):
    await _filled(world, case_id)

    body = await world.as_(world.client, CLIENT_VIEW, id=str(case_id))

    (appointment,) = body["data"]["diary"]["appointments"]
    assert appointment["place"] == "Jobcenter Mitte, Raum 3.14"
    assert appointment["status"] == "PLANNED"
    assert appointment["internalNote"] is None
    assert errors_by_path(body) == {
        ("diary", "appointments", 0, "internalNote"): "FORBIDDEN",
        ("diary", "notes"): "FORBIDDEN",
        ("diary", "followUps"): "FORBIDDEN",
    }


async def test_a_team_lead_sees_the_case_but_none_of_its_diary(world, case_id):
    await _filled(world, case_id)

    body = await world.as_(world.team_lead, DIARY, id=str(case_id))

    assert body["data"]["diary"]["case"] == {"id": str(case_id), "version": 4}
    assert errors_by_path(body) == {
        ("diary", "notes"): "FORBIDDEN",
        ("diary", "appointments"): "FORBIDDEN",
        ("diary", "followUps"): "FORBIDDEN",
    }


async def test_a_deputy_works_the_diary_only_under_the_deputy_consent(
    world, case_factories, factories
):
    deputy = world.colleague
    case_id = await case_factories.case(
        world.jobcenter, world.client, case_manager=world.case_manager, deputy=deputy
    )
    before = await world.as_(deputy, ADD_NOTE, input=note_input(case_id))
    setting = ReferralSetting(
        world.jobcenter, world.case_manager, world.client, case_id, None, None
    )
    await consent(
        factories,
        setting,
        None,
        purpose="deputy",
        direction="to_jobcenter",
        deputy=deputy,
        valid_until=datetime.now(UTC) + timedelta(days=14),
    )
    after = await world.as_(deputy, ADD_NOTE, input=note_input(case_id))
    reads = await world.as_(deputy, DIARY, id=str(case_id))

    assert graphql_error(before) == (("addCaseNote",), "NOT_FOUND")
    assert after["data"]["addCaseNote"]["errors"] == []
    assert [e["node"]["author"] for e in reads["data"]["diary"]["notes"]["edges"]] == [
        {"id": str(deputy.id)}
    ]


async def test_a_restricted_client_gets_no_new_note(world, case_id, factories, owner_url):
    dpo = await factories.staff(world.jobcenter, Role.DATA_PROTECTION_OFFICER)
    await world.as_(dpo, RESTRICT, id=str(world.client.id))

    body = await world.as_(world.case_manager, ADD_NOTE, input=note_input(case_id))

    assert only_error(body, "addCaseNote")["code"] == "RESTRICTED"
    assert (
        await _count(owner_url, "SELECT count(*) FROM case_notes WHERE case_id = :id", case_id) == 0
    )


async def test_an_erased_client_leaves_no_note_text(world, case_id, factories, owner_url):
    await _filled(world, case_id)
    # Erasure waits for the case to end (an open case still needs its data).
    await as_owner(owner_url, "UPDATE cases SET status = 'closed' WHERE id = :id", id=case_id)
    dpo = await factories.staff(world.jobcenter, Role.DATA_PROTECTION_OFFICER)

    body = await world.as_(dpo, ERASE, id=str(world.client.id))

    assert body["data"]["eraseClient"] == {"erased": True, "errors": []}
    # Table by table (a join of the three is refused on Citus), each holding rows to look at.
    unerased = {
        "case_notes": "text <> '[gelöscht]' OR subject <> '[gelöscht]'",
        "appointments": "place <> '[gelöscht]' OR internal_note IS NOT NULL",
        "follow_ups": "reason <> '[gelöscht]'",
    }
    for table, condition in unerased.items():
        rows = f"SELECT count(*) FROM {table} WHERE case_id = :id"
        assert await _count(owner_url, rows, case_id) > 0, table
        assert await _count(owner_url, f"{rows} AND ({condition})", case_id) == 0, table
    kept = "SELECT count(*) FROM case_notes WHERE case_id = :id AND kind = 'phone'"
    assert await _count(owner_url, kept, case_id) == 1  # the record that a contact took place


async def _count(owner_url, query: str, case_id) -> int:
    engine = create_async_engine(owner_url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        count = await conn.scalar(text(query), {"id": case_id})
    await engine.dispose()
    return count
