"""`me`: who is signed in, with the roles that count here."""

from __future__ import annotations

from service.identity.roles import Role
from tests.graphql import post_graphql

ME = """
query Me {
  me {
    subject
    kind
    roles
    jobcenter { slug }
    organisation { slug }
  }
}
"""


async def test_case_manager_sees_their_jobcenter_and_role(client, tokens, factories):
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter, Role.CASE_MANAGER)

    response = await post_graphql(client, ME, headers=tokens.headers(case_manager))

    assert response.json() == {
        "data": {
            "me": {
                "subject": case_manager.subject,
                "kind": "STAFF",
                "roles": ["CASE_MANAGER"],
                "jobcenter": {"slug": jobcenter.slug},
                "organisation": None,
            }
        }
    }


async def test_roles_count_only_where_token_and_records_agree(client, tokens, factories):
    jobcenter = await factories.jobcenter()
    # The identity provider says team lead too; our records know only a case manager.
    case_manager = await factories.staff(
        jobcenter, Role.CASE_MANAGER, Role.TEAM_LEAD, recorded_roles=(Role.CASE_MANAGER,)
    )

    response = await post_graphql(client, ME, headers=tokens.headers(case_manager))

    assert response.json()["data"]["me"]["roles"] == ["CASE_MANAGER"]


async def test_staff_role_in_a_partner_token_does_not_count(client, tokens, factories):
    organisation = await factories.organisation()
    counsellor = await factories.partner_user(organisation)

    response = await post_graphql(
        client, ME, headers=tokens.headers(counsellor, roles=["partner_counsellor", "case_manager"])
    )

    assert response.json()["data"]["me"] == {
        "subject": counsellor.subject,
        "kind": "PARTNER",
        "roles": ["PARTNER_COUNSELLOR"],
        "jobcenter": None,
        "organisation": {"slug": organisation.slug},
    }


async def test_client_sees_themselves_as_client_of_their_jobcenter(client, tokens, factories):
    jobcenter = await factories.jobcenter()
    person = await factories.client(jobcenter)

    response = await post_graphql(client, ME, headers=tokens.headers(person))

    assert response.json()["data"]["me"] == {
        "subject": person.subject,
        "kind": "CLIENT",
        "roles": ["CLIENT"],
        "jobcenter": {"slug": jobcenter.slug},
        "organisation": None,
    }


async def test_unknown_field_gets_a_validation_error(client, tokens, factories):
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter)

    response = await post_graphql(client, "{ me { salary } }", headers=tokens.headers(case_manager))

    body = response.json()
    assert "data" not in body or body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "salary" in error["message"]


async def test_body_that_is_not_json_gets_a_clear_400(client, tokens, factories):
    jobcenter = await factories.jobcenter()
    case_manager = await factories.staff(jobcenter)

    response = await client.post(
        "/graphql",
        content=b"{not json",
        headers={**tokens.headers(case_manager), "content-type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
