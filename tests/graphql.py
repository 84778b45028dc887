"""Helpers for GraphQL over HTTP in tests (Saleor style: small, shared, asserting)."""

from __future__ import annotations

from typing import Any

import httpx


async def post_graphql(
    client: httpx.AsyncClient,
    query: str,
    *,
    headers: dict[str, str] | None = None,
    variables: dict[str, Any] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"query": query}
    if variables:
        body["variables"] = variables
    return await client.post("/graphql", json=body, headers=headers or {})


async def answer_as(
    client: httpx.AsyncClient, tokens: Any, person: Any, query: str, **variables: Any
) -> dict[str, Any]:
    """The JSON answer to `query` asked with `person`'s token; the request itself must succeed
    (HTTP 200), whatever errors the answer carries."""
    response = await post_graphql(
        client, query, headers=tokens.headers(person), variables=variables
    )
    assert response.status_code == 200, response.text
    return response.json()


def assert_unauthenticated(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": reason}
    assert error["message"]
    assert "Traceback" not in response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
