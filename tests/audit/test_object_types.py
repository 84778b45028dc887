"""One vocabulary for what the audit records: every table with a client's data (what writes
record) and every personal GraphQL type (what reads record) has its object type, and every
object type its label in the Auskunft."""

from __future__ import annotations

from service.access_report import labels
from service.audit.object_types import TABLE_OBJECT_TYPES, ObjectType
from service.policy.data_map import client_tables
from service.policy.guard import PERSONAL_TYPES
from service.schema import schema
from service.tables import all_tables


def _served_personal_types() -> set[str]:
    names = {cls.__strawberry_definition__.name for cls in PERSONAL_TYPES}
    return {name for name in names if schema.get_type_by_name(name) is not None}


def test_every_table_with_client_data_has_its_object_type():
    tables = {table.name for table in client_tables(all_tables())}

    assert tables - set(TABLE_OBJECT_TYPES) == set()
    assert set(TABLE_OBJECT_TYPES) - tables == set()  # nothing named that is not there


def test_every_personal_graphql_type_has_its_object_type():
    mapped = {name for kind in labels.OBJECT_TYPES.values() for name in kind.graphql_types}

    assert _served_personal_types() - mapped == set()


def test_every_object_type_has_its_label_and_nothing_else_has_one():
    assert set(labels.OBJECT_TYPES) == set(ObjectType)
    assert all(labels.category_label(kind) != "sonstige Angaben" for kind in ObjectType)


def test_a_table_and_its_rows_read_get_one_label():
    assert labels.category_label(TABLE_OBJECT_TYPES["case_reviews"]) == "Überprüfung"
