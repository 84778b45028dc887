"""Checks that every field of personal data in a schema passes the guard (DESIGN.md, invariant 1).

Run by the tests on the real schema and on throwaway schemas, and at start-up, so a field added
without its category and guard stops the service instead of leaking.
"""

from __future__ import annotations

from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type
from strawberry import Schema
from strawberry.types.base import StrawberryObjectDefinition

from service.policy.categories import DataCategory
from service.policy.guard import PERSONAL_TYPES, PUBLIC_TYPES, ROW_CATEGORY, FieldGuard

ALWAYS_OPEN_FIELDS = frozenset({"id"})
KNOWN_CATEGORIES = frozenset({*map(str, DataCategory), ROW_CATEGORY})


def guard_violations(schema: Schema) -> list[str]:
    """Every way the schema lets personal data past the guard, as readable lines."""
    problems: list[str] = []
    root_names = {
        root.name for root in (schema._schema.query_type, schema._schema.mutation_type) if root
    }
    for name, graphql_type in schema._schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or name.startswith("__"):
            continue
        definition = schema.get_type_by_name(name)
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        if name in root_names:
            problems += _root_problems(name, graphql_type)
            continue
        kind = _classification(definition)
        if kind is None:
            problems.append(f"{name}: neither personal_type nor public_type")
        elif kind == "personal":
            problems += _personal_problems(schema, name, graphql_type, definition)
    return problems


def declared_categories(schema: Schema) -> dict[str, dict[str, str]]:
    """GraphQL type → field → the data category its guard declares (ROW_CATEGORY for rows whose
    category differs per row), for every guarded field: what the audit records by field name
    means, as the schema that recorded it says (the Auskunft's words, service/access_report)."""
    naming = schema.config.name_converter
    declared: dict[str, dict[str, str]] = {}
    for name in schema._schema.type_map:
        definition = schema.get_type_by_name(name)
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        for field in definition.fields:
            guards = [e for e in field.extensions if isinstance(e, FieldGuard)]
            if guards:
                fields = declared.setdefault(name, {})
                fields[naming.get_graphql_name(field)] = str(guards[0].category)
    return declared


def _classification(definition: StrawberryObjectDefinition) -> str | None:
    for cls in definition.origin.__mro__:
        if cls in PERSONAL_TYPES:
            return "personal"
        if cls in PUBLIC_TYPES:
            return "public"
    return None


def _root_problems(name: str, graphql_type: GraphQLObjectType) -> list[str]:
    # Root fields hand out objects; a bare scalar there would bypass every type's guard.
    return [
        f"{name}.{field_name}: root fields must return object types"
        for field_name, field in graphql_type.fields.items()
        if not isinstance(get_named_type(field.type), GraphQLObjectType)
    ]


def _personal_problems(
    schema: Schema,
    name: str,
    graphql_type: GraphQLObjectType,
    definition: StrawberryObjectDefinition,
) -> list[str]:
    problems = []
    naming = schema.config.name_converter
    fields = {naming.get_graphql_name(field): field for field in definition.fields}
    for field_name, graphql_field in graphql_type.fields.items():
        guards = [e for e in fields[field_name].extensions if isinstance(e, FieldGuard)]
        if guards:
            if str(guards[0].category) not in KNOWN_CATEGORIES:
                problems.append(f"{name}.{field_name}: unknown category {guards[0].category!r}")
            if isinstance(graphql_field.type, GraphQLNonNull):
                problems.append(f"{name}.{field_name}: guarded fields must be nullable")
        elif field_name not in ALWAYS_OPEN_FIELDS and not isinstance(
            get_named_type(graphql_field.type), GraphQLObjectType
        ):
            problems.append(f"{name}.{field_name}: personal data without category and guard")
    return problems
