"""A registered document + the served strawberry schema → a plan, or None where the document
asks for anything the plan does not cover (then the generic path runs it).

The schema stays the one definition: every field's category is its `personal_field`
declaration (the `FieldGuard` on it), its value is got the way the generic path's direct
resolvers get it (`service/policy/guard.value_getter`), and its serialization is the GraphQL
type's own. The compiler only knows which object types and fields it has been shown to run
alike (tests/compiled/ runs every field of them through both paths):

- the list roots in `ROOTS`, with their connection, edge and page types;
- of the types below them, every field whose type is a scalar, an enum or one of
  `NESTED_TYPES`, asked without arguments (its resolver then gets its defaults).

Where resolvers wait on loaders, the plan waits as graphql-core does (service/compiled/
execute.py), since that order is the order of FORBIDDEN errors and of audit records.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import strawberry
from graphql import (
    FieldNode,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLString,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_leaf_type,
    parse,
    specified_rules,
    validate,
)
from graphql.error import GraphQLError
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from service.compiled.plan import DocumentPlan, FieldPlan, ObjectPlan
from service.compiled.writers import object_writer
from service.policy.guard import FieldGuard, plain_access, value_getter
from service.schema import MAX_TOKENS
from service.schema.document_limits import DocumentLimitsRule
from service.schema.text_rule import TextPolicyRule

ROOTS = frozenset({"cases", "referrals"})
"""Root fields a plan may start from: lists whose page is filled by the domain's own listing,
through the field's own resolver."""

WRAPPER_TYPES = frozenset(
    {"CaseConnection", "CaseEdge", "ReferralConnection", "ReferralEdge", "PageInfo"}
)
NESTED_TYPES = frozenset(
    {"Case", "Client", "StaffMember", "Referral", "Jobcenter", "Assessment", "AssessmentEntry"}
)

# The registered document passes the served schema's own rules before it is compiled; one the
# generic path would refuse is left to it, so that the refusal reads the same.
RULES = (*specified_rules, DocumentLimitsRule, TextPolicyRule)


class NotCovered(Exception):
    """The document asks for something the compiled path does not run."""


@dataclass(frozen=True, slots=True)
class SelectedName:
    """What `prefetch_for_cases` reads of strawberry's `info.selected_fields`: names, nested."""

    name: str
    selections: list[SelectedName] = field(default_factory=list)


def compile_document(text: str, schema: strawberry.Schema) -> DocumentPlan | None:
    try:
        document = parse(text, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None
    if validate(schema._schema, document, list(RULES)):
        return None
    definitions = document.definitions
    if len(definitions) != 1 or not isinstance(definitions[0], OperationDefinitionNode):
        return None  # several operations, or fragments: the generic path
    operation = definitions[0]
    if operation.operation is not OperationType.QUERY or operation.directives:
        return None
    try:
        return _compile_operation(operation, schema)
    except NotCovered:
        return None


def _compile_operation(
    operation: OperationDefinitionNode, schema: strawberry.Schema
) -> DocumentPlan:
    nodes = _fields_of(operation.selection_set)
    node = nodes[0] if len(nodes) == 1 else None
    query_type = schema._schema.query_type
    if node is None:
        raise NotCovered
    name = node.name.value
    if name not in ROOTS or query_type is None:
        raise NotCovered
    graphql_field = query_type.fields[name]
    root_field = _strawberry_field(graphql_field)
    root = _field_plan(query_type, node, schema, root=True)
    return DocumentPlan(
        operation=operation,
        root=root,
        root_field=root_field,
        selected_fields=[_selected(child) for child in _fields_of(node.selection_set)],
    )


def _fields_of(selection_set: SelectionSetNode | None) -> list[FieldNode]:
    if selection_set is None:
        return []
    fields = []
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            raise NotCovered  # fragments and directives: the generic path
        fields.append(selection)
    return fields


def _selected(node: FieldNode) -> SelectedName:
    return SelectedName(
        node.name.value, [_selected(child) for child in _fields_of(node.selection_set)]
    )


def _object_plan(
    graphql_type: GraphQLObjectType,
    selection_set: SelectionSetNode | None,
    schema: strawberry.Schema,
) -> ObjectPlan:
    nodes = _fields_of(selection_set)
    keys = [(node.alias or node.name).value for node in nodes]
    if len(set(keys)) != len(keys):
        raise NotCovered  # merged fields: the generic path
    fields = tuple(_field_plan(graphql_type, node, schema) for node in nodes)
    return ObjectPlan(graphql_type.name, fields, object_writer(graphql_type.name, fields))


def _field_plan(
    parent: GraphQLObjectType, node: FieldNode, schema: strawberry.Schema, *, root: bool = False
) -> FieldPlan:
    name = node.name.value
    key = (node.alias or node.name).value
    locations = [node.loc.source.get_location(node.loc.start)] if node.loc else []
    if name == "__typename":
        return FieldPlan(
            key, name, parent.name, [node], non_null=True, locations=locations, typename=parent.name
        )
    graphql_field = parent.fields.get(name)
    if graphql_field is None or (node.arguments and not root):
        raise NotCovered
    strawberry_field = _strawberry_field(graphql_field)
    return_type = graphql_field.type
    non_null = isinstance(return_type, GraphQLNonNull)
    inner = return_type.of_type if non_null else return_type
    is_list = isinstance(inner, GraphQLList)
    item_non_null = False
    if is_list:
        item = inner.of_type
        item_non_null = isinstance(item, GraphQLNonNull)
        inner = item.of_type if item_non_null else item
    category = _category(strawberry_field)
    # Strawberry's path for an async resolver, unless the guard's direct resolver replaced it
    # (guarded, no arguments: service/policy/guard.resolve_fields_directly).
    direct = category is not None and not strawberry_field.arguments
    plan = FieldPlan(
        key=key,
        name=name,
        parent_type=parent.name,
        nodes=[node],
        locations=locations,
        non_null=non_null,
        category=category,
        deferred=strawberry_field.is_async and not direct,
        value_of=None if root else _value_of(strawberry_field, schema),
        # what value_of calls, for the writer to call directly
        **dict(zip(("attribute", "method"), plain_access(strawberry_field), strict=True)),
        is_list=is_list,
        item_non_null=item_non_null,
    )
    if is_leaf_type(inner):
        if node.selection_set is not None:
            raise NotCovered
        sync_leaf = not is_list and not strawberry_field.is_async
        return replace(plan, leaf=inner.coerce_output_value, sync_leaf=sync_leaf, **_known(inner))
    covered = WRAPPER_TYPES | NESTED_TYPES
    if not isinstance(inner, GraphQLObjectType) or inner.name not in covered:
        raise NotCovered
    return replace(plan, children=_object_plan(inner, node.selection_set, schema))


def _known(leaf_type) -> dict[str, Any]:
    """What the leaf type's output coercion gives for the values most fields hold, worked out
    here: strawberry's enum looks for the member's name among all of the enum's values on
    every call."""
    if isinstance(leaf_type, CustomGraphQLEnumType):
        members = leaf_type.wrapped_cls
        names = {member: leaf_type.coerce_output_value(member) for member in members}
        return {"enum_names": names, "enum_class": members}
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return {"passes": str}  # serialize_string, serialize_id: a str is itself
    return {}


def _strawberry_field(graphql_field) -> StrawberryField:
    found = (graphql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(found, StrawberryField):
        raise NotCovered
    return found


def _category(field: StrawberryField) -> str | None:
    guards = [extension for extension in field.extensions if isinstance(extension, FieldGuard)]
    if len(field.extensions) != len(guards) or len(guards) > 1:
        raise NotCovered  # another extension would run on the generic path: not here
    return guards[0].category if guards else None


def _value_of(field: StrawberryField, schema: strawberry.Schema):
    getter = value_getter(field, schema)
    if getter is None:
        raise NotCovered
    return getter
