"""Dates and date-times are refused as VALIDATION when they lack an offset or lie outside the
years 1900–2199 — in variables, literals and cursors alike — never answered with a 500."""

from __future__ import annotations

import base64
import json

import pytest

from service.identity.roles import Role
from tests.graphql import post_graphql

REPORT = """
query Report($id: ID!, $from: DateTime!, $to: DateTime!) {
  accessReport(clientId: $id, from: $from, to: $to) { clientName }
}
"""


PERIOD = {"from": "2026-01-01T00:00:00+01:00", "to": "2026-12-31T23:00:00Z"}


@pytest.fixture
async def dpo_and_client(factories, tokens):
    jobcenter = await factories.jobcenter()
    dpo = await factories.staff(jobcenter, Role.DATA_PROTECTION_OFFICER)
    person = await factories.client(jobcenter)
    return tokens.headers(dpo), str(person.id)


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"from": "2026-01-01T00:00:00"}, "needs its offset"),
        ({"to": "9999-12-31T23:59:59Z"}, "outside the years 1900–2199"),
        ({"from": "0001-01-01T00:00:00Z"}, "outside the years 1900–2199"),
        ({"to": "gestern"}, "not a date-time"),
    ],
)
async def test_a_bad_date_time_is_a_validation_error(client, dpo_and_client, variables, words):
    headers, client_id = dpo_and_client

    response = await post_graphql(
        client, REPORT, headers=headers, variables={"id": client_id, **PERIOD, **variables}
    )

    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert words in error["message"]


async def test_a_bad_date_time_written_into_the_document_is_refused_too(client, dpo_and_client):
    headers, client_id = dpo_and_client
    document = (
        '{ accessReport(clientId: "' + client_id + '", from: "2026-01-01T00:00:00Z",'
        ' to: "2026-12-31T00:00:00") { clientName } }'
    )

    response = await post_graphql(client, document, headers=headers)

    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "VALIDATION"


async def test_a_date_time_with_offset_in_range_is_accepted(client, dpo_and_client):
    headers, client_id = dpo_and_client

    response = await post_graphql(
        client,
        REPORT,
        headers=headers,
        variables={
            "id": client_id,
            "from": "2026-01-01T00:00:00+01:00",
            "to": "2026-12-31T23:00:00Z",
        },
    )

    assert "errors" not in response.json(), response.json()


@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01", "to=2026-13-01"])
async def test_the_printable_auskunft_refuses_days_out_of_range(client, dpo_and_client, query):
    headers, client_id = dpo_and_client

    response = await client.get(f"/auskunft/{client_id}?{query}", headers=headers)

    assert response.status_code == 400
    assert "1900–2199" in response.text


async def test_a_cursor_with_a_time_without_offset_is_an_invalid_cursor(client, dpo_and_client):
    headers, client_id = dpo_and_client
    cursor = base64.urlsafe_b64encode(
        json.dumps(["2026-05-01T10:00:00", 1, 1, "read", "x"]).encode()
    ).decode()

    response = await post_graphql(
        client,
        "query($id: ID!, $after: String) { accessReport(clientId: $id, from: "
        '"2026-01-01T00:00:00Z", to: "2026-12-31T00:00:00Z", first: 5, after: $after) '
        "{ clientName } }",
        headers=headers,
        variables={"id": client_id, "after": cursor},
    )

    (error,) = response.json()["errors"]
    assert (error["extensions"]["code"], error["message"]) == ("VALIDATION", "invalid cursor")
