"""The Auskunft can name every field it may meet: each personal GraphQL type belongs to an
audit object type, and its fields resolve to a data category with a German label."""

from __future__ import annotations

from service.audit.auskunft_labels import OBJECT_TYPES, category_label, category_of
from service.policy.guard import PERSONAL_TYPES
from service.schema import schema


def test_every_personal_type_is_mapped_to_an_audit_object_type():
    mapped = {name for _label, names in OBJECT_TYPES.values() for name in names}
    personal = {
        schema.get_type_by_name(cls.__strawberry_definition__.name).name
        for cls in PERSONAL_TYPES
        if schema.get_type_by_name(cls.__strawberry_definition__.name) is not None
    }

    assert personal - mapped == set()


def test_fields_resolve_to_their_schema_category_in_german():
    assert category_of("client", "familyName", None) == "identity"
    assert category_label(category_of("client", "email", None)) == "Kontaktdaten"
    assert category_of("case", "intakeReasoning", None) == "intake"
    assert category_of("assessment_entry", "detail", "assessment_addiction") == (
        "assessment_addiction"
    )
    assert category_label("assessment_addiction") == "Assessment: Sucht"
    # Unknown: shown by its object type, never dropped.
    assert category_label(category_of("document", "somethingNew", None)) == "Dokument"
