"""Run a plan in a request's context: the root resolver as strawberry would call it, then every
selected field the way graphql-core completes it — same guard calls in the same order (so the
same audit records), same values, same errors at the same paths in the same order — without
graphql-core's per-field `Info`, `Path` and argument handling.

What each step copies is graphql-core 3.3's `execute_field`, `complete_value` and
`handle_field_error` (graphql/execution/executor.py): an error on a nullable field makes it
null and is collected; on a non-null field it is raised to the nearest nullable ancestor.
"""

from __future__ import annotations

from inspect import isawaitable
from typing import Any

import strawberry
from graphql import GraphQLError, located_error
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.types import ExecutionResult
from strawberry.types.arguments import convert_arguments

from service.compiled.plan import DocumentPlan, FieldPlan, ObjectPlan
from service.policy.guard import ROW_CATEGORY, RequestGuard
from service.schema.context import Context
from service.schema.errors import shape_error


class NotRunHere(Exception):
    """The request is the generic path's to answer (its variables do not coerce)."""


class _Info:
    """What the types' resolvers read of strawberry's `Info` on this path: the request's
    context, and for the root resolver the selected fields (prefetch_for_cases)."""

    __slots__ = ("context", "selected_fields")

    def __init__(self, context: Context, selected_fields: list[Any]) -> None:
        self.context = context
        self.selected_fields = selected_fields


async def execute(
    plan: DocumentPlan,
    schema: strawberry.Schema,
    context: Context,
    variables: dict[str, Any],
) -> ExecutionResult:
    """Raises NotRunHere before anything is read if the generic path must answer."""
    kwargs = _root_arguments(plan, schema, variables)
    run = _Run(context.guard, _Info(context, plan.selected_fields))
    root = plan.root
    resolver = plan.root_field.base_resolver
    try:
        value = await resolver._unbound_wrapped_func(None, run.info, **kwargs)
        data = {root.key: run.complete(root, value, (root.key,))}
    except Exception as raw:
        # The root list is non-null: its error nulls the whole response (graphql-core).
        run.errors.append(located_error(raw, root.nodes, [root.key]))
        data = None
    errors = [shape_error(error, context.fault_ids) for error in run.errors]
    return ExecutionResult(data=data, errors=errors or None)


def _root_arguments(
    plan: DocumentPlan, schema: strawberry.Schema, variables: dict[str, Any]
) -> dict[str, Any]:
    graphql_schema = schema._schema
    coerced = get_variable_values(
        graphql_schema, plan.operation.variable_definitions or (), variables
    )
    if isinstance(coerced, list):
        raise NotRunHere  # variable errors: the generic path words them
    query_type = graphql_schema.query_type
    assert query_type is not None
    node = plan.root.nodes[0]
    try:
        arguments = get_argument_values(query_type.fields[node.name.value], node, coerced)
    except GraphQLError:
        raise NotRunHere from None
    return convert_arguments(
        arguments,
        plan.root_field.arguments,
        scalar_registry=schema.schema_converter.scalar_registry,
        config=schema.config,
    )


class _Run:
    __slots__ = ("errors", "guard", "info")

    def __init__(self, guard: RequestGuard, info: _Info) -> None:
        self.guard = guard
        self.info = info
        self.errors: list[GraphQLError] = []

    def object(self, plan: ObjectPlan, source: Any, path: tuple) -> dict[str, Any]:
        result = {}
        for field in plan.fields:
            result[field.key] = self.field(field, source, path)
        return result

    def field(self, field: FieldPlan, source: Any, path: tuple) -> Any:
        if field.typename is not None:
            return field.typename
        try:
            category = field.category
            if category is None:
                value = field.value_of(source, self.info)
            else:
                # What the guard's direct resolver does: admit, get the value, record the read.
                if category == ROW_CATEGORY:
                    category = source.guard.category
                reads = self.guard.admit(source.guard, category)
                value = field.value_of(source, self.info)
                reads.add(field.name)
            if isawaitable(value):
                close = getattr(value, "close", None)
                if close is not None:
                    close()
                # A row the plan expected prefetched was not: fail closed, as a fault.
                raise RuntimeError("a compiled field's value was not ready")
            return self.complete(field, value, (*path, field.key))
        except Exception as raw:
            return self._field_error(raw, field, field.non_null, (*path, field.key))

    def complete(self, field: FieldPlan, value: Any, path: tuple) -> Any:
        if value is None:
            if field.non_null:
                raise TypeError(
                    f"Cannot return null for non-nullable field {field.parent_type}.{field.name}."
                )
            return None
        if field.is_list:
            return [self._item(field, item, (*path, index)) for index, item in enumerate(value)]
        return self._single(field, value, path)

    def _item(self, field: FieldPlan, value: Any, path: tuple) -> Any:
        try:
            if value is None:
                if field.item_non_null:
                    raise TypeError(
                        "Cannot return null for non-nullable field "
                        f"{field.parent_type}.{field.name}."
                    )
                return None
            return self._single(field, value, path)
        except Exception as raw:
            return self._field_error(raw, field, field.item_non_null, path)

    def _single(self, field: FieldPlan, value: Any, path: tuple) -> Any:
        if field.leaf is not None:
            coerced = field.leaf(value)
            if coerced is None:
                raise TypeError(f"Expected {field.parent_type}.{field.name} to serialize")
            return coerced
        return self.object(field.children, value, path)

    def _field_error(self, raw: Exception, field: FieldPlan, non_null: bool, path: tuple) -> None:
        error = located_error(raw, field.nodes, list(path))
        if non_null:
            raise error
        self.errors.append(error)
        return None
