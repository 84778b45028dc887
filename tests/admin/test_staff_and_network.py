"""Staff, teams and the network, kept by the administration; deactivated, never deleted."""

from __future__ import annotations

from service.identity.roles import Role
from tests.admin.conftest import owner_rows
from tests.factories import Person
from tests.graphql_errors import errors_by_path

CREATE_TEAM = """
mutation CreateTeam($name: String!) {
  createTeam(name: $name) { team { id name } active errors { field code } }
}"""
REGISTER_STAFF = """
mutation RegisterStaff($input: RegisterStaffInput!) {
  registerStaff(input: $input) {
    staff { id subject displayName roles teamId active } errors { field code }
  }
}"""
DEACTIVATE_STAFF = """
mutation DeactivateStaff($id: ID!) {
  deactivateStaff(staffId: $id) { staff { active } errors { field code } }
}"""
REGISTER_MEMBERSHIP = """
mutation JoinNetwork($input: NetworkMembershipInput!) {
  registerNetworkMembership(input: $input) {
    partner { organisation { id } serviceCategories contact active } errors { field code }
  }
}"""
DEACTIVATE_MEMBERSHIP = """
mutation LeaveNetwork($id: ID!) {
  deactivateNetworkMembership(organisationId: $id) { partner { active } errors { code } }
}"""
ME = "query Me { me { subject roles } }"


async def test_admin_builds_a_team_with_a_case_manager_who_can_sign_in_until_deactivated(
    office, owner_url
):
    team = (await office.as_(office.admin, CREATE_TEAM, name="Team Nord"))["data"]["createTeam"]
    staff_input = {
        "subject": "fm.neu",
        "displayName": "Nora Neu",
        "roles": ["CASE_MANAGER"],
        "teamId": team["team"]["id"],
    }
    registered = await office.as_(office.admin, REGISTER_STAFF, input=staff_input)
    again = await office.as_(office.admin, REGISTER_STAFF, input=staff_input)
    account = registered["data"]["registerStaff"]["staff"]
    nora = Person(account["id"], "fm.neu", (str(Role.CASE_MANAGER),), office.jobcenter.slug)

    me = await office.as_(nora, ME)
    listed = await office.as_(office.placement_officer, "query { caseManagers { displayName } }")
    gone = await office.as_(office.admin, DEACTIVATE_STAFF, id=account["id"])
    refused = await office.http.post(
        "/graphql", json={"query": ME}, headers=office.tokens.headers(nora)
    )

    assert team["errors"] == [] and team["active"] is True
    assert account["roles"] == ["CASE_MANAGER"] and account["teamId"] == team["team"]["id"]
    assert [(e["field"], e["code"]) for e in again["data"]["registerStaff"]["errors"]] == [
        ("subject", "CONFLICT")
    ]
    assert me["data"]["me"]["roles"] == ["CASE_MANAGER"]
    assert {"displayName": "Nora Neu"} in listed["data"]["caseManagers"]
    assert gone["data"]["deactivateStaff"]["staff"]["active"] is False
    assert refused.status_code == 401
    rows = await owner_rows(
        owner_url,
        "SELECT active FROM staff_users WHERE subject = 'fm.neu' AND tenant_id = :t",
        tenant=office.jobcenter.id,
        t=office.jobcenter.id,
    )
    assert rows == [{"active": False}]


async def test_an_admin_neither_ends_nor_changes_their_own_account(office):
    body = await office.as_(office.admin, DEACTIVATE_STAFF, id=str(office.admin.id))

    assert [e["code"] for e in body["data"]["deactivateStaff"]["errors"]] == ["VALIDATION"]


async def test_bad_staff_input_is_a_validation_error(office):
    body = await office.as_(
        office.admin,
        REGISTER_STAFF,
        input={"subject": "fm neu", "displayName": "N", "roles": ["CASE_MANAGER"]},
    )
    client_role = await office.as_(
        office.admin,
        REGISTER_STAFF,
        input={"subject": "fm.x", "displayName": "N", "roles": ["CLIENT"]},
    )

    assert [(e["field"], e["code"]) for e in body["data"]["registerStaff"]["errors"]] == [
        ("subject", "VALIDATION")
    ]
    assert [(e["field"], e["code"]) for e in client_role["data"]["registerStaff"]["errors"]] == [
        ("roles", "VALIDATION")
    ]


async def test_only_the_administration_keeps_staff_and_teams(office):
    for person in (office.team_lead, office.case_manager, office.placement_officer):
        body = await office.as_(person, CREATE_TEAM, name="Team Süd")
        assert errors_by_path(body) == {("createTeam",): "FORBIDDEN"}


async def test_a_partner_joins_and_leaves_the_network(office, factories):
    organisation = await factories.organisation()
    membership = {
        "organisationId": str(organisation.id),
        "serviceCategories": ["DEBT_COUNSELLING", "HOUSING_HELP"],
        "contact": "Terminvereinbarung telefonisch",
    }

    joined = await office.as_(office.admin, REGISTER_MEMBERSHIP, input=membership)
    twice = await office.as_(office.admin, REGISTER_MEMBERSHIP, input=membership)
    left = await office.as_(office.admin, DEACTIVATE_MEMBERSHIP, id=str(organisation.id))
    listed = await office.as_(
        office.case_manager, "query { networkPartners { organisation { id } } }"
    )
    back = await office.as_(office.admin, REGISTER_MEMBERSHIP, input=membership)

    partner = joined["data"]["registerNetworkMembership"]["partner"]
    assert partner["serviceCategories"] == ["DEBT_COUNSELLING", "HOUSING_HELP"]
    assert partner["active"] is True
    assert [e["code"] for e in twice["data"]["registerNetworkMembership"]["errors"]] == ["CONFLICT"]
    assert left["data"]["deactivateNetworkMembership"]["partner"]["active"] is False
    assert listed["data"]["networkPartners"] == []
    assert back["data"]["registerNetworkMembership"]["partner"]["active"] is True


async def test_a_partner_organisation_that_does_not_exist_is_not_found(office):
    body = await office.as_(
        office.admin,
        REGISTER_MEMBERSHIP,
        input={
            "organisationId": "00000000-0000-0000-0000-000000000000",
            "serviceCategories": ["HEALTH"],
        },
    )

    assert errors_by_path(body) == {("registerNetworkMembership",): "NOT_FOUND"}
