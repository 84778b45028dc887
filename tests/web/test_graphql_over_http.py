"""GraphQL over HTTP: with `application/graphql-response+json` a document that does not parse or
validate is answered 4xx, a response with data 2xx; with `application/json` (or `*/*`, or no
Accept) everything GraphQL answers is 200, as before; an Accept of neither is 406."""

from __future__ import annotations

import uuid

import pytest

from service.identity.roles import Role
from service.web.media_types import GRAPHQL_RESPONSE, JSON, negotiate

ME = "{ me { subject } }"
UNPARSABLE = "{ me { subject "
UNKNOWN_FIELD = "{ me { shoeSize } }"
TOO_MANY_ALIASES = "{ " + " ".join(f"a{n}: me {{ subject }}" for n in range(100)) + " }"
SOMEONE_ELSES_CASE = "query ($id: ID!) { case(id: $id) { status } }"

ASKS_FOR_GRAPHQL_RESPONSE = {"accept": "application/graphql-response+json"}


@pytest.fixture
async def staff_headers(factories, tokens):
    jobcenter = await factories.jobcenter()
    return tokens.headers(await factories.staff(jobcenter, Role.CASE_MANAGER))


async def _ask(client, headers, query, accept=None, **variables):
    sent = dict(headers) | ({"accept": accept} if accept is not None else {})
    return await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=sent
    )


def _codes(response) -> list[str]:
    return [error["extensions"]["code"] for error in response.json()["errors"]]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        (UNPARSABLE, "GRAPHQL_VALIDATION_FAILED"),
        (UNKNOWN_FIELD, "GRAPHQL_VALIDATION_FAILED"),
        (TOO_MANY_ALIASES, "TOO_MANY_ALIASES"),
    ],
)
async def test_a_document_that_does_not_validate_is_a_400_for_graphql_response_json(
    client, staff_headers, query, code
):
    response = await _ask(client, staff_headers, query, GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json().get("data") is None
    assert _codes(response) == [code]


@pytest.mark.parametrize("accept", [JSON, "*/*", None, "text/html, */*;q=0.8"])
async def test_the_same_document_is_a_200_for_application_json(client, staff_headers, accept):
    response = await _ask(client, staff_headers, UNKNOWN_FIELD, accept)

    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert _codes(response) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_an_answer_with_data_is_a_200_for_graphql_response_json(client, staff_headers):
    response = await _ask(client, staff_headers, ME, GRAPHQL_RESPONSE)

    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json()["data"]["me"]["subject"]


async def test_an_error_while_executing_is_a_200_with_its_path(client, staff_headers):
    response = await _ask(
        client, staff_headers, SOMEONE_ELSES_CASE, GRAPHQL_RESPONSE, id=str(uuid.uuid4())
    )

    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert (error["path"], error["extensions"]["code"]) == (["case"], "NOT_FOUND")


async def test_without_a_token_it_is_still_a_401_in_the_asked_for_type(client):
    response = await _ask(client, {}, ME, GRAPHQL_RESPONSE)

    assert response.status_code == 401
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert _codes(response) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("accept", ["text/plain", "application/xml", "text/html"])
async def test_an_accept_of_neither_type_is_a_406_a_portal_can_show(client, staff_headers, accept):
    response = await _ask(client, staff_headers, ME, accept)

    assert response.status_code == 406
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "NOT_ACCEPTABLE"
    assert GRAPHQL_RESPONSE in error["message"]
    assert error["extensions"]["messageDe"].startswith("Antwort nur als")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json; charset=utf-8", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("application/graphql-response+json;q=0.5, */*", JSON),
        ("application/json;q=0, application/graphql-response+json;q=0.1", GRAPHQL_RESPONSE),
        ("application/json;q=0", None),
        ("application/json;q=nonsense", None),
        ("text/plain", None),
    ],
)
def test_negotiation_follows_the_qualities_and_names_the_new_type_only_when_asked(accept, chosen):
    assert negotiate(accept) == chosen
