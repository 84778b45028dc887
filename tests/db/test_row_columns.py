"""Lists and loaders read plain rows, not entities (service/db/base.row_columns): a row reads
like its model's entity only while every mapped attribute is named as its column and the model
adds nothing a row lacks (no relationship, method or property). A model that breaks this fails
here, not as an AttributeError in a list."""

from __future__ import annotations

from service.db.base import Base, row_columns
from service.tables import all_tables


def _mappers():
    all_tables()  # imports every domain's models into the registry
    return list(Base.registry.mappers)


def test_every_mapped_attribute_is_named_as_its_column():
    mismatched = [
        (mapper.class_.__name__, attribute.key)
        for mapper in _mappers()
        for attribute in mapper.column_attrs
        if attribute.key != attribute.columns[0].key
    ]

    assert mismatched == []


def test_no_model_adds_what_a_row_lacks():
    extras = [
        (mapper.class_.__name__, name)
        for mapper in _mappers()
        for name, value in vars(mapper.class_).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    ] + [
        (mapper.class_.__name__, relationship.key)
        for mapper in _mappers()
        for relationship in mapper.relationships
    ]

    assert extras == []


def test_a_row_has_every_attribute_of_its_entity_but_what_only_policies_read():
    """The partner reach is for row-level security alone (service/tenants/reach.py): a case
    row's `reached_by` would be three organisations' uuids decoded for every case listed, and
    read by nobody."""
    for mapper in _mappers():
        names = {column.key for column in row_columns(mapper.class_)}
        policies_only = {
            column.key for column in mapper.local_table.columns if column.key == "reached_by"
        }

        assert names == {attribute.key for attribute in mapper.column_attrs} - policies_only
