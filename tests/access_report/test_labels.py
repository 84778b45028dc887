"""The Auskunft can name everything it may meet, in one vocabulary: each personal GraphQL type
(what reads record) and each table with a client's data (what writes record) belongs to an
audit object type, every category has its German words, and no ordinary write is left
"ohne erkennbare Grundlage"."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from service.access_report import labels
from service.access_report.log import LogRow
from service.access_report.readers import People, ground_of
from service.db.base import Base
from service.policy.categories import DataCategory
from service.policy.data_map import client_tables
from service.policy.guard import PERSONAL_TYPES
from service.schema import schema

# What the app hands the Auskunft (service/app.py): the served schema's declared categories.
CATEGORIES = labels.FieldCategories.of_schema(schema.field_categories)


def test_every_personal_type_is_mapped_to_an_audit_object_type():
    mapped = {name for kind in labels.OBJECT_TYPES.values() for name in kind.graphql_types}
    personal = {
        schema.get_type_by_name(cls.__strawberry_definition__.name).name
        for cls in PERSONAL_TYPES
        if schema.get_type_by_name(cls.__strawberry_definition__.name) is not None
    }

    assert personal - mapped == set()


def test_every_table_with_client_data_is_mapped_to_the_same_object_types():
    mapped = {table for kind in labels.OBJECT_TYPES.values() for table in kind.tables}

    assert {table.name for table in client_tables(Base.metadata)} - mapped == set()


def test_every_category_has_a_phrase_for_the_sentences():
    assert set(DataCategory) - set(labels.CATEGORY_PHRASES) == set()


def test_reads_and_writes_of_one_thing_get_one_label():
    assert CATEGORIES.category_of("case_review", "reasoning", None) == "case_notes"
    assert CATEGORIES.category_of("case_reviews", "reasoning", None, write=True) == "case_notes"
    assert CATEGORIES.category_of("clients", "givenName", None, write=True) == "identity"
    assert CATEGORIES.category_of("clients", "phone", None, write=True) == "contact"
    assert CATEGORIES.category_of("case_reviews", "authorId", None, write=True) is None  # a key
    assert labels.category_label("case_reviews") == "Überprüfung"


def test_fields_resolve_to_their_schema_category_in_german():
    assert CATEGORIES.category_of("client", "familyName", None) == "identity"
    assert labels.category_label(CATEGORIES.category_of("client", "email", None)) == "Kontaktdaten"
    assert CATEGORIES.category_of("case", "intakeReasoning", None) == "intake"
    assert CATEGORIES.category_of("assessment_entry", "detail", "assessment_addiction") == (
        "assessment_addiction"
    )
    assert labels.category_label("assessment_addiction") == "Assessment: Sucht"
    # Unknown: shown under its object type's category, never by its name.
    assert labels.category_label(CATEGORIES.category_of("document", "somethingNew", None)) == (
        "Dokumente"
    )
    assert labels.field_label("somethingNew") is None


def _row(action: str, basis: str, actor_kind: str = "staff") -> LogRow:
    return LogRow(
        at=datetime.now(UTC),
        lane=0,
        seq=1,
        request_id=uuid.uuid4(),
        action=action,
        basis=basis,
        operation="Anything",
        actor_kind=actor_kind,
        actor_id=uuid.uuid4(),
        organisation_id=None,
        objects=[],
    )


PEOPLE = People("A B", "Jobcenter X", {}, {}, {}, None, None, frozenset())


def test_every_write_names_its_ground():
    for kind in ("staff", "partner", "client"):
        ground = ground_of(_row("write", "change", kind), {}, PEOPLE)
        assert ground != labels.UNKNOWN_GROUND
    assert ground_of(_row("write", "change"), {}, PEOPLE) == "im Rahmen der Fallbearbeitung"
    assert ground_of(_row("write", "erasure"), {}, PEOPLE) == labels.ERASURE_GROUND


def test_a_deputy_consent_is_named_as_one():
    consent = uuid.uuid4()
    people = People("A B", "Jobcenter X", {}, {}, {}, None, None, frozenset({consent}))

    ground = ground_of(_row("read", f"consent:{consent}"), {consent: "02.11.2026"}, people)

    assert ground == "auf Grundlage Ihrer Einwilligung in die Vertretung vom 02.11.2026"


def test_occasions_never_show_a_name_the_caller_chose():
    registered = {"sha256:ab": "Fallübersicht"}

    assert labels.occasion_label("sha256:ab", registered) == "Fallübersicht"
    assert labels.occasion_label("sha256:cd", registered) == labels.UNLABELLED_OCCASION
    assert labels.occasion_label("AuskunftDocument", registered) == labels.UNREGISTERED_OCCASION
    assert labels.occasion_label("auskunft:document", registered) == "Auskunft als Dokument"
