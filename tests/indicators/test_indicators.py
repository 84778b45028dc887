"""Indicators for controlling: counts right on a known history, suppressed below the minimum
group size (5 in the test settings), never per employee, and only for controlling: leaders in
the jobcenter take no part in the evaluation (domain/002)."""

from __future__ import annotations

from datetime import date

from graphql import GraphQLObjectType, get_named_type

from service.identity.roles import Role
from service.schema import schema
from tests.factories import Person
from tests.graphql_errors import errors_by_path
from tests.indicators.conftest import History

FIGURE = "{ value suppressed }"
INDICATORS = f"""
query Indicators($from: Date!, $to: Date!, $teamId: ID) {{
  indicators(from: $from, to: $to, teamId: $teamId) {{
    from to team {{ name }} minGroupSize scopeSuppressed
    admissions {FIGURE}
    closures {FIGURE}
    closuresByReason {{ reason figure {FIGURE} }}
    integrationsIntoWork {FIGURE}
    profileChangesTowardLabourMarket {FIGURE}
    goalsAchieved {FIGURE}
    goalsNotAchieved {FIGURE}
    referralsCompleted {FIGURE}
    casesInCare {FIGURE}
    casesInCareByMonth {{ month figure {FIGURE} }}
    activitiesCompleted {FIGURE}
  }}
}}
"""

TEAMS = "query Teams { teams { id name } }"

Q1 = {"from": "2025-01-01", "to": "2025-03-31"}
IN_Q1 = date(2025, 2, 14)
BEFORE_Q1 = date(2024, 12, 20)


def shown(value: int) -> dict:
    return {"value": value, "suppressed": False}


HIDDEN = {"value": None, "suppressed": True}


async def _known_quarter(factories) -> tuple[History, Person]:
    """Team "Nord" (5 case managers) and team "Süd" (5): a first quarter of 2025 with known
    admissions, closures, reviews, goal outcomes and referrals."""
    history = History(await factories.jobcenter())
    partner = await factories.organisation(history.jobcenter)
    north, south = history.team("Nord", case_managers=5), history.team("Süd", case_managers=5)
    admitted = [history.case(north, admitted=IN_Q1) for _ in range(6)]
    admitted += [history.case(south, admitted=IN_Q1) for _ in range(5)]
    history.case(north, admitted=BEFORE_Q1)  # not an admission of the quarter
    for reason, count in (
        ("lasting_integration", 6),
        ("prerequisites_gone", 5),
        ("no_prospect", 3),
    ):
        for _ in range(count):
            history.case(north, admitted=date(2024, 6, 1), closed=IN_Q1, reason=reason)
    history.case(north, admitted=date(2024, 6, 1), closed=BEFORE_Q1, reason="no_prospect")
    for case_id in admitted[:5]:
        history.review(case_id, IN_Q1, "stabilisation", "development")  # toward the market
    history.review(admitted[5], IN_Q1, "support", "stabilisation")  # toward the market
    history.review(admitted[6], IN_Q1, "development", "stabilisation")  # away from it
    history.review(admitted[7], BEFORE_Q1, "stabilisation", "development")  # outside
    for case_id in admitted[:5]:
        history.goal(case_id, "achieved", IN_Q1)
        history.goal(case_id, "achieved", IN_Q1, kind="sub_goal")  # not a goal
    history.goal(admitted[0], "not_achieved", IN_Q1)
    for case_id in admitted[:6]:
        history.goal(case_id, "achieved", IN_Q1, kind="activity")
    history.goal(admitted[6], "achieved", BEFORE_Q1, kind="activity")  # outside
    history.goal(admitted[7], "not_achieved", IN_Q1, kind="activity")  # not completed
    for case_id in admitted[:5]:
        history.referral(case_id, partner.id, "completed", IN_Q1)
    history.referral(admitted[5], partner.id, "completed", BEFORE_Q1)
    history.referral(admitted[6], partner.id, "in_progress", IN_Q1)
    await history.save(factories)
    controlling = await factories.staff(history.jobcenter, Role.CONTROLLING)
    return history, controlling


async def test_controlling_gets_the_counts_of_a_known_quarter_for_the_jobcenter(factories, api):
    _, controlling = await _known_quarter(factories)

    body = await api.ask(controlling, INDICATORS, **Q1)

    assert "errors" not in body, body
    result = body["data"]["indicators"]
    assert (result["from"], result["to"], result["team"]) == ("2025-01-01", "2025-03-31", None)
    assert (result["minGroupSize"], result["scopeSuppressed"]) == (5, False)
    assert result["admissions"] == shown(11)
    assert result["closures"] == shown(14)
    assert result["integrationsIntoWork"] == shown(6)
    assert result["profileChangesTowardLabourMarket"] == shown(6)
    assert result["goalsAchieved"] == shown(5)
    assert result["goalsNotAchieved"] == HIDDEN  # one goal: a group of one
    assert result["referralsCompleted"] == shown(5)
    # In care on a day of the quarter: 11 admitted in it, 1 before it and still open, 14 closed
    # in it; not the one closed before it.
    assert result["casesInCare"] == shown(26)
    assert result["casesInCareByMonth"] == [
        {"month": "2025-01-01", "figure": shown(15)},  # the open one, and the 14 closed in Feb
        {"month": "2025-02-01", "figure": shown(26)},
        {"month": "2025-03-01", "figure": shown(12)},  # the 14 closed on 14 Feb are gone
    ]
    assert result["activitiesCompleted"] == shown(6)


async def test_small_closing_reasons_are_suppressed_and_cannot_be_subtracted_out(factories, api):
    _, controlling = await _known_quarter(factories)

    body = await api.ask(controlling, INDICATORS, **Q1)

    by_reason = {
        row["reason"]: row["figure"] for row in body["data"]["indicators"]["closuresByReason"]
    }
    # 6 + 5 + 3 = 14 shown as total. "No prospect" (3) is below 5, and so are the empty reasons;
    # hidden alone they would add up to 3 = 14 − 6 − 5, so "prerequisites gone" (5) goes too.
    assert by_reason == {
        "LASTING_INTEGRATION": shown(6),
        "PREREQUISITES_GONE": HIDDEN,
        "NO_PROSPECT": HIDDEN,
        "CHANGE_OF_RESPONSIBILITY": HIDDEN,
        "WORKING_ALLIANCE_NOT_VIABLE": HIDDEN,
        "NOT_ECONOMICAL": HIDDEN,
    }


async def test_a_team_counts_only_the_cases_of_its_case_managers(factories, api):
    history, controlling = await _known_quarter(factories)

    north = await api.ask(controlling, INDICATORS, **Q1, teamId=str(history.teams["Nord"]))
    south = await api.ask(controlling, INDICATORS, **Q1, teamId=str(history.teams["Süd"]))

    assert north["data"]["indicators"]["team"] == {"name": "Nord"}
    assert north["data"]["indicators"]["admissions"] == shown(6)
    assert north["data"]["indicators"]["closures"] == shown(14)
    assert south["data"]["indicators"]["admissions"] == shown(5)
    assert south["data"]["indicators"]["closures"] == HIDDEN  # none: a group of zero


async def test_a_team_of_one_case_manager_shows_nothing(factories, api):
    history = History(await factories.jobcenter())
    history.team("Groß", case_managers=5)
    alone = history.team("Allein", case_managers=1)
    for _ in range(8):
        history.case(alone, admitted=IN_Q1)
    await history.save(factories)
    controlling = await factories.staff(history.jobcenter, Role.CONTROLLING)

    body = await api.ask(controlling, INDICATORS, **Q1, teamId=str(history.teams["Allein"]))

    result = body["data"]["indicators"]
    assert result["scopeSuppressed"] is True
    assert result["admissions"] == HIDDEN  # 8 admissions, but all of one employee's work
    assert all(row["figure"] == HIDDEN for row in result["closuresByReason"])


async def test_a_team_is_withheld_when_the_rest_of_the_jobcenter_is_one_employee(factories, api):
    """Otherwise jobcenter minus team would show that one employee's figures."""
    history = History(await factories.jobcenter())
    big = history.team("Groß", case_managers=5)
    history.team("Allein", case_managers=1)
    for _ in range(8):
        history.case(big, admitted=IN_Q1)
    await history.save(factories)
    controlling = await factories.staff(history.jobcenter, Role.CONTROLLING)

    team = await api.ask(controlling, INDICATORS, **Q1, teamId=str(history.teams["Groß"]))
    jobcenter = await api.ask(controlling, INDICATORS, **Q1)

    assert team["data"]["indicators"]["scopeSuppressed"] is True
    assert team["data"]["indicators"]["admissions"] == HIDDEN
    assert team["data"]["indicators"]["casesInCare"] == HIDDEN
    assert [month["figure"] for month in team["data"]["indicators"]["casesInCareByMonth"]] == [
        HIDDEN
    ] * 3
    assert jobcenter["data"]["indicators"]["admissions"] == shown(8)


def test_the_api_offers_no_figure_per_employee():
    query = schema._schema.query_type
    reachable = _types_below(query.fields["indicators"].type)

    assert set(query.fields["indicators"].args) == {"from", "to", "teamId"}
    assert reachable == {"Indicators", "IndicatorFigure", "ClosureFigure", "MonthFigure", "Team"}
    assert all(
        not field.args
        for name in reachable
        for field in schema._schema.type_map[name].fields.values()
    )


def _types_below(graphql_type) -> set[str]:
    named = get_named_type(graphql_type)
    if not isinstance(named, GraphQLObjectType):
        return set()
    found = {named.name}
    for field in named.fields.values():
        found |= _types_below(field.type)
    return found


async def test_case_manager_is_forbidden_indicators(factories, api):
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter, Role.CASE_MANAGER)

    body = await api.ask(case_manager, INDICATORS, **Q1)

    assert body["data"] is None
    assert errors_by_path(body) == {("indicators",): "FORBIDDEN"}


async def test_team_lead_is_forbidden_indicators_and_the_teams_to_ask_them_for(factories, api):
    history, _ = await _known_quarter(factories)
    team_lead = await factories.staff(history.jobcenter, Role.TEAM_LEAD)

    own_team = await api.ask(team_lead, INDICATORS, **Q1, teamId=str(history.teams["Nord"]))
    jobcenter = await api.ask(team_lead, INDICATORS, **Q1)
    teams = await api.ask(team_lead, TEAMS)

    assert own_team["data"] is None and jobcenter["data"] is None
    assert errors_by_path(own_team) == {("indicators",): "FORBIDDEN"}
    assert errors_by_path(jobcenter) == {("indicators",): "FORBIDDEN"}
    assert errors_by_path(teams) == {("teams",): "FORBIDDEN"}


async def test_controlling_lists_the_teams_and_reads_their_indicators(factories, api):
    history, controlling = await _known_quarter(factories)

    teams = await api.ask(controlling, TEAMS)
    north = await api.ask(controlling, INDICATORS, **Q1, teamId=str(history.teams["Nord"]))

    assert {team["name"] for team in teams["data"]["teams"]} == set(history.teams)
    assert north["data"]["indicators"]["admissions"] == shown(6)


async def test_a_period_must_be_whole_calendar_months(factories, api):
    jobcenter = await factories.jobcenter()
    controlling = await factories.staff(jobcenter, Role.CONTROLLING)

    body = await api.ask(controlling, INDICATORS, **{"from": "2025-01-02", "to": "2025-01-31"})

    assert errors_by_path(body) == {("indicators",): "VALIDATION"}
    assert body["errors"][0]["extensions"]["messageDe"] == "muss der Erste eines Monats sein"


async def test_a_team_of_another_jobcenter_is_not_found(factories, api):
    history, _ = await _known_quarter(factories)
    elsewhere = await factories.jobcenter()
    controlling = await factories.staff(elsewhere, Role.CONTROLLING)

    body = await api.ask(controlling, INDICATORS, **Q1, teamId=str(history.teams["Nord"]))

    assert errors_by_path(body) == {("indicators",): "NOT_FOUND"}


async def test_a_review_that_finds_a_market_near_profile_counts_as_progress(factories, api):
    history = History(await factories.jobcenter())
    team = history.team("Mitte", case_managers=5)
    for _ in range(5):
        case_id = history.case(team, admitted=BEFORE_Q1)
        history.review(case_id, IN_Q1, "development", "promotion")  # into a Förderprofil
    await history.save(factories)
    controlling = await factories.staff(history.jobcenter, Role.CONTROLLING)

    body = await api.ask(controlling, INDICATORS, **Q1)

    assert body["data"]["indicators"]["profileChangesTowardLabourMarket"] == shown(5)
