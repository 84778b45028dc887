"""schema.graphql is what portals generate their clients from: it must match the code."""

from __future__ import annotations

from service.cli import SCHEMA_FILE
from service.schema import schema


def test_schema_file_is_current():
    assert SCHEMA_FILE.read_text() == schema.as_str() + "\n", (
        "schema.graphql is out of date: run `make schema` and commit it"
    )


def test_schema_offers_me():
    assert "me: Me!" in SCHEMA_FILE.read_text()
