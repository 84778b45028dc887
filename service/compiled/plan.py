"""What a compiled document is: per object type the fields the document selects, each with
what the generic path would do for it — its guard category, how its value is got, how it is
serialized — worked out once per document instead of once per field of every response."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, SourceLocation
from strawberry.types.field import StrawberryField


@dataclass(frozen=True, slots=True)
class FieldPlan:
    key: str  # the response key: the alias, else the field's name
    name: str  # the field's name, as the audit records it
    parent_type: str
    nodes: list[FieldNode]  # where the errors of this field point (`locations`); a list, as
    # GraphQLError takes anything else for one node
    non_null: bool
    # Where its errors point, worked out once: graphql-core finds them in the document's text
    # for every error (a partner's 20 referrals: 180 FORBIDDEN, ≈ 12 % of the request's CPU).
    locations: list[SourceLocation]
    category: str | None = None  # the guard's category; None for fields that are not guarded
    value_of: Callable[[Any, Any], Any] | None = None  # (object, info) → the field's value
    attribute: str | None = None  # where value_of is `getattr(object, attribute)`
    method: Callable[[Any], Any] | None = None  # where value_of is `method(object)`
    typename: str | None = None  # set for `__typename`
    leaf: Callable[[Any], Any] | None = None  # the scalar's or enum's output coercion
    # What `leaf` gives, known beforehand: an enum's names by member, the enum's class; the
    # type whose values come out as they are (a str for String and ID).
    enum_names: Mapping[Any, str] | None = None
    enum_class: type | None = None
    passes: type | None = None
    is_list: bool = False
    item_non_null: bool = False
    children: ObjectPlan | None = None
    # Strawberry runs an async resolver only once graphql-core awaits it — the guard's
    # extension included, where the field has arguments (the guard's direct resolver, for
    # fields without, admits at once): the admission waits as long.
    deferred: bool = False
    sync_leaf: bool = False  # a scalar or enum from a sync resolver: never awaitable


@dataclass(frozen=True, slots=True)
class ObjectPlan:
    type_name: str
    fields: tuple[FieldPlan, ...]
    write: Callable[[Any, Any, tuple], Any]  # (run, object, path): service/compiled/writers.py


@dataclass(frozen=True, slots=True)
class DocumentPlan:
    """One operation with one root list field; its resolver runs as strawberry would run it."""

    operation: OperationDefinitionNode
    root: FieldPlan  # value_of unused: the root resolver is `root_field`'s, with arguments
    root_field: StrawberryField
    selected_fields: list[Any]  # strawberry's `info.selected_fields` for the root resolver
