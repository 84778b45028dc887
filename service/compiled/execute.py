"""Run a plan in a request's context: the root resolver as strawberry would call it, then every
selected field the way graphql-core completes it — same guard calls in the same order (so the
same audit records), same values, same errors at the same paths in the same order — without
graphql-core's per-field `Info`, `Path` and argument handling.

What each step copies is graphql-core 3.3's `execute_fields`, `execute_field`,
`complete_value`, `complete_iterable_value` and `handle_field_error`
(graphql/execution/executor.py): an error on a nullable field makes it null and is collected;
on a non-null field it is raised to the nearest nullable ancestor. Where a resolver waits (a
loader), the plan waits the same way graphql-core does — an object's waiting fields awaited
inline when one, gathered when several, and likewise a list's items — so that the loaders'
batches, the guard's admissions and so the errors and audit records come in the same order.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError, located_error
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import gather_with_cancel, is_awaitable
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
    plan: DocumentPlan, context: Context, arguments: dict[str, Any]
) -> ExecutionResult:
    run = _Run(context.guard, _Info(context, plan.selected_fields))
    root = plan.root
    resolver = plan.root_field.base_resolver
    try:
        value = await resolver._unbound_wrapped_func(None, run.info, **arguments)
        completed = run.complete(root, value, (root.key,))
        if _awaitable(completed):
            completed = await completed
        data = {root.key: completed}
    except Exception as raw:
        # The root list is non-null: its error nulls the whole response (graphql-core).
        run.errors.append(located_error(raw, root.nodes, [root.key]))
        data = None
    errors = [shape_error(error, context.fault_ids) for error in run.errors]
    return ExecutionResult(data=data, errors=errors or None)


def arguments_for(
    plan: DocumentPlan, schema: strawberry.Schema, variables: dict[str, Any]
) -> dict[str, Any]:
    """The root resolver's arguments. Raises NotRunHere, before anything is read, where the
    generic path must answer (variables that do not coerce: it words the errors)."""
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

    def object(self, plan: ObjectPlan, source: Any, path: tuple) -> Any:
        """The object's fields in selection order; an awaitable of them where some wait
        (graphql-core's `execute_fields`: one inline, several gathered). Its writer
        (service/compiled/writers.py) does the scalar fields itself and hands the rest to
        `field`."""
        return plan.write(self, source, path)

    def field(self, field: FieldPlan, source: Any, path: tuple) -> Any:
        try:
            value = self._resolve(field, source)
            here = (*path, field.key)
            if _awaitable(value):
                return self._complete_later(field, value, here)
            completed = self.complete(field, value, here)
            if _awaitable(completed):
                return self._completion(field, completed, field.non_null, here)
            return completed
        except Exception as raw:
            return self._field_error(raw, field, field.non_null, (*path, field.key))

    def _resolve(self, field: FieldPlan, source: Any) -> Any:
        if field.deferred:
            return self._deferred(field, source)
        category = field.category
        if category is None:
            return field.value_of(source, self.info)
        # What the guard's direct resolver does: admit, get the value, record the read.
        if category == ROW_CATEGORY:
            category = source.guard.category
        reads = self.guard.admit(source.guard, category)
        value = field.value_of(source, self.info)
        if _awaitable(value):
            return _recorded_when_resolved(value, reads, field.name)
        reads.add(field.name)
        return value

    async def _deferred(self, field: FieldPlan, source: Any) -> Any:
        category = field.category
        if category is None:
            return await field.value_of(source, self.info)
        if category == ROW_CATEGORY:
            category = source.guard.category
        reads = self.guard.admit(source.guard, category)
        value = await field.value_of(source, self.info)
        reads.add(field.name)
        return value

    async def _complete_later(self, field: FieldPlan, value: Any, path: tuple) -> Any:
        try:
            completed = self.complete(field, await value, path)
            if _awaitable(completed):
                completed = await completed
            return completed
        except Exception as raw:
            return self._field_error(raw, field, field.non_null, path)

    async def _completion(self, field: FieldPlan, completed: Any, non_null: bool, path: tuple):
        try:
            return await completed
        except Exception as raw:
            return self._field_error(raw, field, non_null, path)

    def complete(self, field: FieldPlan, value: Any, path: tuple) -> Any:
        if value is None:
            if field.non_null:
                raise null_error(field)
            return None
        if field.is_list:
            return self._list(field, value, path)
        return self._single(field, value, path)

    def _list(self, field: FieldPlan, items: Any, path: tuple) -> Any:
        completed = []
        waiting = []
        for index, item in enumerate(items):
            here = (*path, index)
            try:
                if item is None:
                    if field.item_non_null:
                        raise null_error(field)
                    value = None
                else:
                    value = self._single(field, item, here)
                if _awaitable(value):
                    value = self._completion(field, value, field.item_non_null, here)
                    waiting.append(index)
            except Exception as raw:
                value = self._field_error(raw, field, field.item_non_null, here)
            completed.append(value)
        if not waiting:
            return completed
        return _gathered_items(completed, waiting)

    def _single(self, field: FieldPlan, value: Any, path: tuple) -> Any:
        if field.leaf is not None:
            return self._leaf(field, value)
        return self.object(field.children, value, path)

    @staticmethod
    def _leaf(field: FieldPlan, value: Any) -> Any:
        if value is None:
            raise null_error(field)
        coerced = field.leaf(value)
        if coerced is None:
            raise TypeError(f"Expected {field.parent_type}.{field.name} to serialize")
        return coerced

    def _field_error(self, raw: Exception, field: FieldPlan, non_null: bool, path: tuple) -> None:
        error = _located(raw, field, list(path))
        if non_null:
            raise error
        self.errors.append(error)
        return None


# What graphql-core asks of every value (its `is_awaitable`), answered first for the types most
# values of a response are: `inspect.isawaitable`'s ABC check was 4 % of a case list's samples
# (py-spy, in-process).
PLAIN = frozenset({dict, list, str, int, bool, float, type(None)})


def _awaitable(value: Any) -> bool:
    return type(value) not in PLAIN and is_awaitable(value)


def _located(raw: Exception, field: FieldPlan, path: list) -> GraphQLError:
    """`located_error(raw, field.nodes, path)` with the field's locations worked out once.
    What it does differently for errors that carry their own nodes, source or positions (none
    of the service's do) is left to it."""
    if isinstance(raw, GraphQLError) or any(
        hasattr(raw, name) for name in ("nodes", "source", "positions")
    ):
        return located_error(raw, field.nodes, path)
    message = getattr(raw, "message", None)
    error = GraphQLError(
        str(raw) if message is None else str(message), None, path=path, original_error=raw
    )
    error.nodes = field.nodes
    if field.locations:
        error.source = field.nodes[0].loc.source
        error.positions = [field.nodes[0].loc.start]
        error.locations = field.locations
    return error


def null_error(field: FieldPlan) -> TypeError:
    return TypeError(f"Cannot return null for non-nullable field {field.parent_type}.{field.name}.")


async def _recorded_when_resolved(value: Any, reads: set[str], name: str) -> Any:
    resolved = await value
    reads.add(name)
    return resolved


async def gathered_fields(result: dict[str, Any], waiting: list[str]) -> dict[str, Any]:
    if len(waiting) == 1:
        (key,) = waiting
        result[key] = await result[key]
    else:
        values = await gather_with_cancel(*(result[key] for key in waiting))
        result.update(zip(waiting, values, strict=True))
    return result


async def _gathered_items(items: list[Any], waiting: list[int]) -> list[Any]:
    if len(waiting) == 1:
        (index,) = waiting
        items[index] = await items[index]
    else:
        values = await gather_with_cancel(*(items[index] for index in waiting))
        for index, value in zip(waiting, values, strict=True):
            items[index] = value
    return items
