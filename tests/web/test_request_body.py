"""Request bodies are checked for their shape before anything converts them: an object, nested
no deeper and with lists no longer than any input needs. Each refusal is HTTP 400 with a code a
portal can show, in milliseconds, and nothing runs."""

from __future__ import annotations

import pytest

from service.identity.roles import Role
from service.web.request_body import MAX_DEPTH, MAX_LIST_LENGTH

PROPOSE = """
mutation Propose($input: ProposeCaseInput!) { proposeCase(input: $input) { errors { code } } }
"""


@pytest.fixture
async def headers(factories, tokens):
    jobcenter = await factories.jobcenter()
    person = await factories.staff(jobcenter, Role.CASE_MANAGER)
    return {**tokens.headers(person), "content-type": "application/json"}


async def _post(client, headers, content: bytes):
    response = await client.post("/graphql", content=content, headers=headers)
    assert response.status_code == 400, response.text
    (error,) = response.json()["errors"]
    return error


@pytest.mark.parametrize("body", [b"null", b"[]", b'"query"', b"42"])
async def test_a_body_that_is_not_an_object_is_a_bad_request(client, headers, body):
    error = await _post(client, headers, body)

    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["message"] == "the body must be a JSON object with a query"


async def test_variables_nested_100000_deep_are_refused(client, headers):
    deep = b"[" * 100_000 + b"]" * 100_000
    body = b'{"query": "{ me { subject } }", "variables": {"x": ' + deep + b"}}"

    error = await _post(client, headers, body)

    assert error["extensions"]["code"] == "INPUT_TOO_DEEP"


async def test_extensions_nested_past_the_limit_are_refused_with_the_path(client, headers):
    deep = b'{"a": ' * (MAX_DEPTH + 2) + b"1" + b"}" * (MAX_DEPTH + 2)
    body = b'{"query": "{ me { subject } }", "extensions": ' + deep + b"}"

    error = await _post(client, headers, body)

    assert error["extensions"]["code"] == "INPUT_TOO_DEEP"
    assert error["extensions"]["field"].startswith("extensions.a.a")


async def test_190000_profiling_items_are_refused_before_conversion(client, headers):
    items = b",".join([b'{"category": "CAPACITY", "detail": "x"}'] * 190_000)
    body = (
        b'{"query": '
        + PROPOSE.replace("\n", " ").join('""').encode()
        + b', "variables": {"input": {"profilingItems": ['
        + items
        + b"]}}}"
    )

    error = await _post(client, headers, body)

    assert error["extensions"]["code"] == "INPUT_TOO_LARGE"
    assert error["extensions"]["field"] == "variables.input.profilingItems"
    assert str(MAX_LIST_LENGTH) in error["message"]


async def test_a_body_that_is_not_json_is_a_bad_request(client, headers):
    error = await _post(client, headers, b"{query: me}")

    assert (error["extensions"]["code"], error["message"]) == (
        "BAD_REQUEST",
        "the body is not valid JSON",
    )
