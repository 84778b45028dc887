"""Every value a client reads in their own view has a plain-language label, and `plainLabels`
lists them for a portal."""

from __future__ import annotations

from service.clients.plain_language import PLAIN_LABELS
from service.schema import schema
from tests.graphql import post_graphql

LABELS = 'query Labels { plainLabels(enum: "CareVariant") { value labelDe labelEn } }'


def test_every_value_of_the_labelled_enums_has_a_label():
    labelled: dict[str, set[str]] = {}
    for label in PLAIN_LABELS:
        labelled.setdefault(label.enum, set()).add(label.value)
        assert label.label_de and label.label_en

    for enum, values in labelled.items():
        graphql_enum = schema._schema.get_type(enum)
        assert graphql_enum is not None, enum
        assert set(graphql_enum.values) == values, enum


async def test_a_client_portal_lists_the_labels(client, tokens, factories):
    jobcenter = await factories.jobcenter()
    person = await factories.client(jobcenter)

    response = await post_graphql(client, LABELS, headers=tokens.headers(person))

    labels = {row["value"]: row["labelDe"] for row in response.json()["data"]["plainLabels"]}
    assert set(labels) == {"FULL_HANDOVER", "ACCOMPANYING"}
    assert "Hauptbetreuung" not in labels["FULL_HANDOVER"]
