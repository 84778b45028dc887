"""Reading cases: who sees which case, and which of its fields; listing with filters and cursors."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event

from service.cases.models import CaseStatus
from service.cases.vocabulary import AssessmentSubcategory
from service.identity.roles import Role
from service.paging import FOLLOW_UP_BATCH
from tests.cases.conftest import forbidden_paths, graphql_error

CASE_WITH_ASSESSMENT = """
query Case($id: ID!) {
  case(id: $id) {
    id status
    client { familyName }
    assessment { finances { subject category } health { subject } }
    goals { title }
  }
}
"""

CASES = """
query Cases($first: Int, $after: String, $filter: CaseFilterInput) {
  cases(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id status reviewOverdue pastTwoYears client { familyName } } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}
"""


async def test_responsible_case_manager_reads_the_whole_case(world, case_factories):
    case_id = await case_factories.case(
        world.jobcenter, world.client, case_manager=world.case_manager
    )
    await case_factories.entry(
        world.jobcenter,
        case_id,
        world.case_manager,
        AssessmentSubcategory.DEBTS,
        "Schulden ca. 12.000 €",
    )

    body = await world.as_(world.case_manager, CASE_WITH_ASSESSMENT, id=str(case_id))

    assert "errors" not in body, body
    case = body["data"]["case"]
    assert case["client"] == {"familyName": "Testmann"}
    assert case["assessment"]["finances"] == [
        {"subject": "Schulden ca. 12.000 €", "category": "CIRCUMSTANCES"}
    ]
    assert case["assessment"]["health"] == []


async def test_team_lead_sees_identity_and_status_but_gets_forbidden_on_assessment(
    world, case_factories
):
    case_id = await case_factories.case(
        world.jobcenter, world.client, case_manager=world.case_manager
    )

    body = await world.as_(world.team_lead, CASE_WITH_ASSESSMENT, id=str(case_id))

    case = body["data"]["case"]
    assert case["status"] == "ADMITTED"
    assert case["client"] == {"familyName": "Testmann"}
    assert case["assessment"] == {"finances": None, "health": None}
    assert case["goals"] is None
    assert forbidden_paths(body) == {
        ("case", "assessment", "finances"),
        ("case", "assessment", "health"),
        ("case", "goals"),
    }


async def test_a_case_of_another_jobcenter_is_not_found(world, case_factories, factories):
    elsewhere = await factories.jobcenter("Jobcenter Anderswo")
    stranger = await factories.client(elsewhere)
    case_id = await case_factories.case(elsewhere, stranger)

    body = await world.as_(world.team_lead, CASE_WITH_ASSESSMENT, id=str(case_id))

    assert body["data"] == {"case": None}
    assert graphql_error(body) == (("case",), "NOT_FOUND")


async def test_a_malformed_id_is_not_found(world):
    body = await world.as_(world.case_manager, CASE_WITH_ASSESSMENT, id="kein-fall")

    assert graphql_error(body) == (("case",), "NOT_FOUND")


async def test_another_case_manager_does_not_find_a_colleagues_case(world, case_factories):
    case_id = await case_factories.case(
        world.jobcenter, world.client, case_manager=world.case_manager
    )

    body = await world.as_(world.colleague, CASE_WITH_ASSESSMENT, id=str(case_id))

    assert graphql_error(body) == (("case",), "NOT_FOUND")


async def test_a_deputy_without_deputy_consent_sees_nothing_of_the_case(world, case_factories):
    case_id = await case_factories.case(
        world.jobcenter, world.client, case_manager=world.case_manager, deputy=world.colleague
    )
    await case_factories.entry(
        world.jobcenter, case_id, world.case_manager, AssessmentSubcategory.ADDICTION
    )

    single = await world.as_(world.colleague, CASE_WITH_ASSESSMENT, id=str(case_id))
    listed = await world.as_(world.colleague, CASES)

    assert graphql_error(single) == (("case",), "NOT_FOUND")
    assert listed["data"]["cases"]["edges"] == []


async def test_partners_and_other_clients_get_nothing_from_case_reads(
    world, case_factories, factories
):
    case_id = await case_factories.case(
        world.jobcenter, world.client, case_manager=world.case_manager
    )
    organisation = await factories.organisation(world.jobcenter)
    counsellor = await factories.partner_user(organisation)
    other_client = await factories.client(world.jobcenter)

    for person in (counsellor, other_client):
        single = await world.as_(person, CASE_WITH_ASSESSMENT, id=str(case_id))
        listed = await world.as_(person, CASES)
        assert graphql_error(single) == (("case",), "NOT_FOUND")
        assert listed["data"]["cases"]["edges"] == []


async def test_the_client_reads_their_own_case_but_not_its_assessment(world, case_factories):
    case_id = await case_factories.case(
        world.jobcenter, world.client, case_manager=world.case_manager
    )

    single = await world.as_(world.client, CASE_WITH_ASSESSMENT, id=str(case_id))
    listed = await world.as_(world.client, CASES)

    assert single["data"]["case"]["status"] == "ADMITTED"
    assert single["data"]["case"]["goals"] == []
    assert forbidden_paths(single) == {
        ("case", "assessment", "finances"),
        ("case", "assessment", "health"),
    }
    assert [edge["node"]["id"] for edge in listed["data"]["cases"]["edges"]] == [str(case_id)]


async def test_case_manager_lists_their_own_cases_only(world, case_factories, factories):
    mine = await case_factories.case(world.jobcenter, world.client, case_manager=world.case_manager)
    other_client = await factories.client(world.jobcenter)
    await case_factories.case(world.jobcenter, other_client, case_manager=world.colleague)

    body = await world.as_(world.case_manager, CASES)

    assert [edge["node"]["id"] for edge in body["data"]["cases"]["edges"]] == [str(mine)]


async def test_a_page_of_cases_is_filled_past_cases_the_reader_may_not_see(
    world, case_factories, factories
):
    """Older cases where the colleague is a deputy without the client's consent come first in
    the order; the page is filled from the readable ones after them, not returned empty."""
    for _ in range(3):
        someone = await factories.client(world.jobcenter)
        await case_factories.case(
            world.jobcenter, someone, case_manager=world.case_manager, deputy=world.colleague
        )
    own = []
    for _ in range(2):
        someone = await factories.client(world.jobcenter)
        own.append(
            str(await case_factories.case(world.jobcenter, someone, case_manager=world.colleague))
        )

    body = await world.as_(world.colleague, CASES, first=2)

    assert [edge["node"]["id"] for edge in body["data"]["cases"]["edges"]] == own
    assert body["data"]["cases"]["pageInfo"]["hasNextPage"] is False


async def test_a_page_is_filled_across_several_follow_up_batches(world, case_factories, factories):
    """Later batches read only what is missing (service/paging.py): with more unreadable cases
    between the readable ones than a follow-up batch holds, the page is still the first
    readable cases in order, and says whether more follow."""

    async def case(**roles) -> str:
        someone = await factories.client(world.jobcenter)
        return str(await case_factories.case(world.jobcenter, someone, **roles))

    first = await case(case_manager=world.colleague)
    for _ in range(FOLLOW_UP_BATCH + 3):
        await case(case_manager=world.case_manager, deputy=world.colleague)
    later = [await case(case_manager=world.colleague) for _ in range(3)]

    body = await world.as_(world.colleague, CASES, first=3)
    rest = await world.as_(
        world.colleague, CASES, first=3, after=body["data"]["cases"]["pageInfo"]["endCursor"]
    )

    assert [edge["node"]["id"] for edge in body["data"]["cases"]["edges"]] == [first, *later[:2]]
    assert body["data"]["cases"]["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["id"] for edge in rest["data"]["cases"]["edges"]] == later[2:]
    assert rest["data"]["cases"]["pageInfo"]["hasNextPage"] is False


async def test_a_cursor_that_is_not_one_is_refused(world):
    body = await world.as_(world.case_manager, CASES, after="bm90IGEgY3Vyc29y")

    assert graphql_error(body) == (("cases",), "VALIDATION")
    assert body["errors"][0]["message"] == "invalid cursor"


async def test_team_lead_pages_through_all_cases_of_the_jobcenter(world, case_factories, factories):
    case_ids = []
    for _ in range(3):
        someone = await factories.client(world.jobcenter)
        case_ids.append(
            str(
                await case_factories.case(world.jobcenter, someone, case_manager=world.case_manager)
            )
        )

    first = await world.as_(world.team_lead, CASES, first=2)
    cursor = first["data"]["cases"]["pageInfo"]["endCursor"]
    second = await world.as_(world.team_lead, CASES, first=2, after=cursor)

    assert first["data"]["cases"]["pageInfo"]["hasNextPage"] is True
    assert second["data"]["cases"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": second["data"]["cases"]["edges"][-1]["cursor"],
    }
    pages = first["data"]["cases"]["edges"] + second["data"]["cases"]["edges"]
    assert [edge["node"]["id"] for edge in pages] == case_ids


async def test_a_team_leads_page_is_read_in_list_order_not_sorted_from_the_whole_jobcenter(
    world, case_factories, factories, runtime
):
    # Given a few cases; when the team lead reads the first page and the next,
    for _ in range(3):
        someone = await factories.client(world.jobcenter)
        await case_factories.case(world.jobcenter, someone, case_manager=world.case_manager)
    pages = []

    def note_page(_conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("SELECT cases.") and "ORDER BY cases.created_at" in statement:
            pages.append((statement, list(parameters)))

    engine = runtime.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", note_page)
    try:
        first = await world.as_(world.team_lead, CASES, first=2)
        cursor = first["data"]["cases"]["pageInfo"]["endCursor"]
        await world.as_(world.team_lead, CASES, first=2, after=cursor)
    finally:
        event.remove(engine, "before_cursor_execute", note_page)

    # then PostgreSQL can take each page's rows from an index in their order, as the service's
    # role with the jobcenter bound: no Sort of every case of the jobcenter (migration 0010).
    assert len(pages) == 2
    async with runtime.database.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        async with raw.transaction():
            await raw.execute("SET LOCAL enable_seqscan = off")
            await raw.fetchval("SELECT app_bind_scope($1, NULL)", world.jobcenter.id)
            plans = [
                await raw.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *values) for sql, values in pages
            ]
    for plan in plans:
        nodes = _plan_nodes(json.loads(plan) if isinstance(plan, str) else plan)
        assert "Sort" not in {node["Node Type"] for node in nodes}
        indexes = {node.get("Index Name") or "" for node in nodes}
        # On Citus the scan is the worker's, on the shard's copy of the index (its name suffixed).
        assert any(name.startswith("ix_cases_tenant_id_created_at") for name in indexes)


def _plan_nodes(plan: object) -> list[dict]:
    """Every node of an EXPLAIN (FORMAT JSON) plan, a Citus worker's remote plan included."""
    if isinstance(plan, list):
        return [node for item in plan for node in _plan_nodes(item)]
    if not isinstance(plan, dict):
        return []
    own = [plan] if "Node Type" in plan else []
    return own + [node for value in plan.values() for node in _plan_nodes(value)]


async def test_placement_officer_lists_the_cases_they_proposed(world, case_factories, factories):
    proposed = await case_factories.case(
        world.jobcenter,
        world.client,
        case_manager=world.case_manager,
        proposer=world.placement_officer,
    )
    other_client = await factories.client(world.jobcenter)
    await case_factories.case(world.jobcenter, other_client, case_manager=world.case_manager)

    body = await world.as_(world.placement_officer, CASES)

    assert [edge["node"]["id"] for edge in body["data"]["cases"]["edges"]] == [str(proposed)]


@pytest.mark.parametrize(
    ("case_filter", "expected"),
    [
        ({"reviewOverdue": True}, ["overdue"]),
        ({"pastTwoYears": True}, ["long"]),
        ({"status": "PROPOSED"}, ["proposed"]),
        ({"reviewOverdue": False, "status": "ADMITTED"}, ["current", "long"]),
    ],
)
async def test_team_lead_filters_cases(world, case_factories, factories, case_filter, expected):
    cases = {}
    for name, kwargs in {
        "current": {},
        "overdue": {"review_due_in_days": -3},
        "long": {"admitted_days_ago": 800},
        "proposed": {"status": CaseStatus.PROPOSED},
    }.items():
        someone = await factories.client(world.jobcenter)
        case_id = await case_factories.case(
            world.jobcenter, someone, case_manager=world.case_manager, **kwargs
        )
        cases[str(case_id)] = name

    body = await world.as_(world.team_lead, CASES, filter=case_filter)

    assert [cases[edge["node"]["id"]] for edge in body["data"]["cases"]["edges"]] == expected


async def test_team_lead_filters_by_responsible_case_manager(world, case_factories, factories):
    await case_factories.case(world.jobcenter, world.client, case_manager=world.case_manager)
    other_client = await factories.client(world.jobcenter)
    theirs = await case_factories.case(world.jobcenter, other_client, case_manager=world.colleague)

    body = await world.as_(
        world.team_lead, CASES, filter={"responsibleCaseManagerId": str(world.colleague.id)}
    )

    assert [edge["node"]["id"] for edge in body["data"]["cases"]["edges"]] == [str(theirs)]


CASES_WITH_OUTCOME = """
query Cases($filter: CaseFilterInput) {
  cases(filter: $filter) {
    edges { node { id status closedOn closingReason closingReasoning
                   responsibleCaseManager { id } } }
  }
}
"""
CLOSE = """
mutation Close($input: CloseCaseInput!) {
  closeCase(input: $input) { case { status } errors { code } }
}
"""


async def test_team_lead_filtering_by_one_case_manager_sees_no_closing_reasons(
    world, case_factories
):
    """domain/002: no results relatable to single employees, and leaders take no part in the
    evaluation; the list by one case manager would be that person's outcomes."""
    case_id = await case_factories.case(world.jobcenter, world.client, case_manager=world.colleague)
    closing = {
        "caseId": str(case_id),
        "reason": "NO_PROSPECT",
        "reasoning": "kein Fortschritt",
        "retrospective": "kein Fortschritt",
        "prospective": "zurück in die Vermittlung",
        "clientTookPart": False,
    }
    closed = await world.as_(world.colleague, CLOSE, input=closing)
    assert closed["data"]["closeCase"]["errors"] == [], closed
    by_colleague = {"responsibleCaseManagerId": str(world.colleague.id)}

    as_team_lead = await world.as_(world.team_lead, CASES_WITH_OUTCOME, filter=by_colleague)
    as_case_manager = await world.as_(world.colleague, CASES_WITH_OUTCOME, filter=by_colleague)

    (edge,) = as_team_lead["data"]["cases"]["edges"]
    assert edge["node"]["status"] == "CLOSED"
    assert edge["node"]["closedOn"] is not None
    assert edge["node"]["responsibleCaseManager"] == {"id": str(world.colleague.id)}
    assert (edge["node"]["closingReason"], edge["node"]["closingReasoning"]) == (None, None)
    assert forbidden_paths(as_team_lead) == {
        ("cases", "edges", 0, "node", "closingReason"),
        ("cases", "edges", 0, "node", "closingReasoning"),
    }
    (own,) = as_case_manager["data"]["cases"]["edges"]
    assert "errors" not in as_case_manager, as_case_manager
    assert own["node"]["closingReason"] == "NO_PROSPECT"
    assert own["node"]["closingReasoning"] == "kein Fortschritt"


async def test_flags_on_the_case(world, case_factories):
    case_id = await case_factories.case(
        world.jobcenter,
        world.client,
        case_manager=world.case_manager,
        admitted_days_ago=800,
        review_due_in_days=-1,
    )

    body = await world.as_(world.case_manager, CASES)

    (edge,) = body["data"]["cases"]["edges"]
    assert edge["node"]["id"] == str(case_id)
    assert (edge["node"]["reviewOverdue"], edge["node"]["pastTwoYears"]) == (True, True)


async def test_more_than_100_per_page_is_refused(world):
    body = await world.as_(world.team_lead, CASES, first=101)

    assert graphql_error(body) == (("cases",), "VALIDATION")
    assert body["errors"][0]["message"] == "page size must be between 1 and 100"


async def test_a_list_of_cases_costs_a_constant_number_of_queries(
    world, case_factories, factories, runtime
):
    async def queries_for_list_of(n: int) -> int:
        jobcenter = await factories.jobcenter()
        team_lead = await factories.staff(jobcenter, Role.TEAM_LEAD)
        case_manager = await factories.staff(jobcenter, Role.CASE_MANAGER)
        for _ in range(n):
            someone = await factories.client(jobcenter)
            await case_factories.case(jobcenter, someone, case_manager=case_manager)
        statements = []

        def count(*_args):
            statements.append(1)

        engine = runtime.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            body = await world.as_(team_lead, LIST_WITH_EVERYTHING)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(body["data"]["cases"]["edges"]) == n
        return len(statements)

    assert await queries_for_list_of(2) == await queries_for_list_of(12)


LIST_WITH_EVERYTHING = """
{
  cases(first: 50) {
    edges { node {
      id status responsibleCaseManager { displayName }
      client { familyName }
      intake { ruleOfThumbMet profilingItems { detail } }
      assessment { finances { subject } }
      goals { title } reviews { reasoning } documents { title }
    } }
  }
}
"""
