"""Every field the audit can record about a client has German words in the Auskunft: a client is
told what was seen (domain/000), not a technical name and not only a category. Read fields are
the schema's personal fields; written ones the data map's classified columns (camel-cased, as
service/audit/writes.py records them). Keys carry no category and are not listed to the client.
"""

from __future__ import annotations

from service.access_report.field_labels import FIELD_LABELS
from service.access_report.labels import field_label
from service.audit.writes import camel
from service.policy.categories import DataCategory
from service.policy.data_map import classification_of, client_tables
from service.schema import schema
from service.tables import all_tables


def test_every_personal_field_of_the_schema_has_a_german_label():
    unlabelled = {
        f"{type_name}.{field}"
        for type_name, fields in schema.field_categories.items()
        for field, category in fields.items()
        # Reading one's own Auskunft is summarised in one line, never listed field by field.
        if category != DataCategory.ACCESS_REPORT and field_label(field) is None
    }
    assert unlabelled == set()


def test_every_classified_column_a_write_records_has_a_german_label():
    unlabelled = {
        f"{table.name}.{column.name}"
        for table in client_tables(all_tables())
        for column in table.columns
        if (found := classification_of(column)) is not None
        and found.category is not None
        and field_label(camel(column.name)) is None
    }
    assert unlabelled == set()


def test_labels_are_words_not_names():
    assert all(label and label != name and "_" not in label for name, label in FIELD_LABELS.items())
    assert field_label("closingRetrospective") == "Rückblick im Abschlussgespräch"
    assert field_label("internalNote") == "interner Vermerk"
