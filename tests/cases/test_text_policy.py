"""Every string the service is given passes one text policy (service/text_policy.py): control
characters, lone surrogates and bidi or invisible characters are refused with the field named,
whether sent as variables or written into the document; what is stored is in NFC. Nothing is
stored from a refused request."""

from __future__ import annotations

import json

import pytest

from tests.cases.conftest import rows_of_case
from tests.cases.test_case_work import ADD_GOAL, admitted, ok

GOAL_TITLES = "query($id: ID!) { case(id: $id) { goals { title } } }"


@pytest.mark.parametrize(
    ("title", "codepoint"),
    [
        ("Wohnung\x00suche", "U+0000"),
        ("Wohnung\x1bsuche", "U+001B"),
        ("Wohnung\x85suche", "U+0085"),
        ("\u202eehcusgnunhoW", "U+202E"),
        ("Wohnung\u200bsuche", "U+200B"),
        ("Wohnung\u2066suche", "U+2066"),
    ],
)
async def test_a_refused_character_in_a_variable_is_named_and_nothing_is_stored(
    world, case_factories, owner_url, title, codepoint
):
    case_id = await admitted(world, case_factories)

    response = await world.http.post(
        "/graphql",
        json={"query": ADD_GOAL, "variables": {"input": {"caseId": case_id, "title": title}}},
        headers=world.tokens.headers(world.case_manager),
    )

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert error["extensions"]["field"] == "variables.input.title"
    assert codepoint in error["message"] and codepoint in error["extensions"]["messageDe"]
    assert await rows_of_case(owner_url, "plan_items", case_id) == 0


async def test_a_lone_surrogate_is_refused_as_no_character(world, case_factories, owner_url):
    case_id = await admitted(world, case_factories)
    # Written by hand: a JSON encoder would not produce the lone surrogate.
    variables = '{"input": {"caseId": "' + case_id + '", "title": "a\\ud800b"}}'
    body = '{"query": ' + json.dumps(ADD_GOAL) + ', "variables": ' + variables + "}"

    response = await world.http.post(
        "/graphql",
        content=body.encode(),
        headers={**world.tokens.headers(world.case_manager), "content-type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert await rows_of_case(owner_url, "plan_items", case_id) == 0


async def test_a_refused_character_written_into_the_document_is_refused_too(
    world, case_factories, owner_url
):
    case_id = await admitted(world, case_factories)
    document = (
        'mutation { addGoal(input: {caseId: "' + case_id + '", title: "Wohnung\\u0000suche"})'
        " { changedId } }"
    )

    body = await world.as_(world.case_manager, document)

    assert body.get("data") is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION"
    assert "U+0000" in error["message"]
    assert await rows_of_case(owner_url, "plan_items", case_id) == 0


async def test_texts_are_stored_in_nfc_and_line_breaks_are_kept(world, case_factories):
    case_id = await admitted(world, case_factories)
    decomposed = "Cafe\u0301-Ausbildung"

    await ok(world, ADD_GOAL, "addGoal", caseId=case_id, title=decomposed)
    body = await world.as_(world.case_manager, GOAL_TITLES, id=case_id)

    (goal,) = body["data"]["case"]["goals"]
    assert goal["title"] == "Caf\u00e9-Ausbildung"
