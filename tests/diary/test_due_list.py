"""The due list (Fälligkeitsliste): the signed-in case manager's follow-ups due today or
overdue and their appointments of the next days, across their cases, by date and paged. It
follows responsibility: a reassigned case's follow-ups are the new case manager's."""

from __future__ import annotations

from datetime import timedelta

from tests.cases.conftest import graphql_error
from tests.diary.conftest import (
    ADD_FOLLOW_UP,
    PLAN,
    TODAY,
    appointment_input,
    as_owner,
    at,
    ok,
)

DUE = """
query Due($first: Int, $after: String, $days: Int) {
  dueList(first: $first, after: $after, days: $days) {
    edges { cursor node { case { id } followUp { reason dueOn overdue }
      appointment { place startsAt } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
ASSIGN = """
mutation A($id: ID!, $staff: ID!) {
  assignCaseManager(input: { caseId: $id, caseManagerId: $staff }) { errors { code } }
}
"""


def _what(edge) -> str:
    node = edge["node"]
    return node["followUp"]["reason"] if node["followUp"] else node["appointment"]["place"]


async def _follow_up(world, case_id, reason: str) -> str:
    return await ok(
        world,
        ADD_FOLLOW_UP,
        "addFollowUp",
        input={"caseId": str(case_id), "dueOn": TODAY.isoformat(), "reason": reason},
    )


async def test_due_today_overdue_and_the_next_days_by_date(world, case_id, owner_url):
    overdue = await _follow_up(world, case_id, "Kontoauszüge anfordern")
    await as_owner(
        owner_url,
        "UPDATE follow_ups SET due_on = :day WHERE id = :id",
        day=TODAY - timedelta(days=3),
        id=overdue,
    )
    await _follow_up(world, case_id, "Rückmeldung Vermieterin")
    await ok(
        world,
        ADD_FOLLOW_UP,
        "addFollowUp",
        input={
            "caseId": str(case_id),
            "dueOn": (TODAY + timedelta(days=2)).isoformat(),
            "reason": "noch nicht fällig",
        },
    )
    in_three_days = TODAY + timedelta(days=3)
    await ok(
        world,
        PLAN,
        "planAppointment",
        input=appointment_input(
            case_id, startsAt=at(in_three_days, 9), endsAt=at(in_three_days, 10), place="Raum 2"
        ),
    )
    far = TODAY + timedelta(days=20)
    await ok(
        world,
        PLAN,
        "planAppointment",
        input=appointment_input(case_id, startsAt=at(far, 9), endsAt=at(far, 10), place="später"),
    )

    body = await world.as_(world.case_manager, DUE)
    edges = body["data"]["dueList"]["edges"]

    assert [_what(edge) for edge in edges] == [
        "Kontoauszüge anfordern",
        "Rückmeldung Vermieterin",
        "Raum 2",
    ]
    assert edges[0]["node"]["followUp"]["overdue"] is True
    assert {edge["node"]["case"]["id"] for edge in edges} == {str(case_id)}


async def test_the_list_pages_on_from_its_cursor(world, case_id):
    for number in range(3):
        await _follow_up(world, case_id, f"Wiedervorlage {number}")

    first = (await world.as_(world.case_manager, DUE, first=2))["data"]["dueList"]
    rest = (
        await world.as_(world.case_manager, DUE, first=2, after=first["pageInfo"]["endCursor"])
    )["data"]["dueList"]

    assert len(first["edges"]) == 2 and first["pageInfo"]["hasNextPage"] is True
    seen = [_what(edge) for edge in first["edges"] + rest["edges"]]
    assert sorted(seen) == ["Wiedervorlage 0", "Wiedervorlage 1", "Wiedervorlage 2"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_a_follow_up_moves_with_the_case_when_it_is_reassigned(world, case_id):
    await _follow_up(world, case_id, "Bescheid prüfen")

    assigned = await world.as_(
        world.team_lead, ASSIGN, id=str(case_id), staff=str(world.colleague.id)
    )
    before = await world.as_(world.case_manager, DUE)
    after = await world.as_(world.colleague, DUE)

    assert assigned["data"]["assignCaseManager"]["errors"] == []
    assert before["data"]["dueList"]["edges"] == []
    assert [_what(edge) for edge in after["data"]["dueList"]["edges"]] == ["Bescheid prüfen"]


async def test_team_leads_and_clients_have_no_due_list(world, case_id):
    await _follow_up(world, case_id, "Bescheid prüfen")

    team_lead = await world.as_(world.team_lead, DUE)
    client = await world.as_(world.client, DUE)

    assert graphql_error(team_lead) == (("dueList",), "FORBIDDEN")
    assert graphql_error(client) == (("dueList",), "FORBIDDEN")
