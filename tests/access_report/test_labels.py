"""The Auskunft can name everything it may meet: every category has its German words, reads and
writes of one thing get one label, and no ordinary write is left "ohne erkennbare Grundlage".
That every object type has a label: tests/audit/test_object_types.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from service.access_report import labels
from service.access_report.log import LogRow
from service.access_report.readers import People, ground_of
from service.policy.categories import DataCategory
from service.schema import schema

# What the app hands the Auskunft (service/app.py): the served schema's declared categories.
CATEGORIES = labels.FieldCategories.of_schema(schema.field_categories)


def test_every_category_has_a_phrase_for_the_sentences():
    assert set(DataCategory) - set(labels.CATEGORY_PHRASES) == set()


def test_reads_and_writes_of_one_thing_get_one_label():
    assert CATEGORIES.category_of("case_review", "reasoning", None) == "case_notes"
    assert CATEGORIES.category_of("case_review", "reasoning", None, write=True) == "case_notes"
    assert CATEGORIES.category_of("client", "givenName", None, write=True) == "identity"
    assert CATEGORIES.category_of("client", "phone", None, write=True) == "contact"
    assert CATEGORIES.category_of("case_review", "authorId", None, write=True) is None  # a key
    assert labels.category_label("case_review") == "Überprüfung"


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
