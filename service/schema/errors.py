"""Shapes every error a client sees: a code and messages for ServiceErrors, nothing but an id for
faults. Faults are logged with that id and their stack, never with their message: a database
error's message can quote the row it tripped on, which may be personal data.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult

from service.errors import ServiceError
from service.moments import MomentRefused

log = logging.getLogger(__name__)

INTERNAL_MESSAGE = "internal error; quote the error id when reporting it"
_INPUT_REFUSALS = (GraphQLError, MomentRefused)


def shape_error(error: GraphQLError, fault_ids: list[str]) -> GraphQLError:
    """Return the error as the client sees it; append the id of a fault to `fault_ids`."""
    original = error.original_error
    if original is None or (error.path is None and isinstance(original, _INPUT_REFUSALS)):
        # Syntax, validation and limit errors, and a value a scalar refused (service/moments.py;
        # graphql-core wraps it for variables): raised before anything executed, about the
        # document and its inputs, never about data.
        return _with_extensions(error, error.message, {"code": document_error_code(error)})
    if isinstance(original, ServiceError):
        return _with_extensions(
            error, original.message, {"code": original.code, "messageDe": original.message_de}
        )
    if isinstance(original, GraphQLError):
        return shape_error(original, fault_ids) if original.original_error else error
    error_id = uuid.uuid4().hex
    fault_ids.append(error_id)
    log.error(
        "unexpected error %s (%s)\n%s",
        error_id,
        type(original).__name__,
        "".join(traceback.format_tb(original.__traceback__)),
    )
    return _with_extensions(error, INTERNAL_MESSAGE, {"code": "INTERNAL", "errorId": error_id})


# Messages of strawberry's limit extensions → a code a portal can branch on.
_LIMIT_CODES = (
    ("exceeds maximum operation depth", "QUERY_TOO_DEEP"),
    ("aliases found. Allowed", "TOO_MANY_ALIASES"),
    ("Document contains more than", "QUERY_TOO_LARGE"),
    ("document too complex", "QUERY_TOO_COMPLEX"),
    ("text refused:", "VALIDATION"),
    ("needs its offset", "VALIDATION"),
    ("outside the years", "VALIDATION"),
    ("not a date", "VALIDATION"),
    ("introspection has been disabled", "INTROSPECTION_DISABLED"),
)


def document_error_code(error: GraphQLError) -> str:
    for fragment, code in _LIMIT_CODES:
        if fragment in error.message:
            return code
    return "GRAPHQL_VALIDATION_FAILED"


def _with_extensions(error: GraphQLError, message: str, extensions: dict) -> GraphQLError:
    """The same error, reworded. Changed in place: a new GraphQLError would work out its
    locations from the document again (5 % of a partner list's CPU with its 60 FORBIDDEN)."""
    error.message = message
    error.extensions = extensions
    _let_go_of_the_raised(error)
    return error


def _let_go_of_the_raised(error: GraphQLError) -> None:
    """Drop what ties the error to the exception it was made of and to the stack that was
    raised through. That stack holds the executor, whose error list holds the error: a cycle
    per error that only Python's collector frees. A partner's list of 20 referrals left some
    7,000 objects in such cycles a request (180 FORBIDDEN), and collecting them was about 40 %
    of its CPU (in-process, collector off against on). A fault's stack is logged before this;
    nothing reads it after."""
    error.original_error = None
    error.cause = None
    error.__cause__ = None
    error.__context__ = None
    error.__traceback__ = None


class ErrorShaping(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            fault_ids = self.execution_context.context.fault_ids
            result.errors = [shape_error(error, fault_ids) for error in result.errors]


class OperationNaming(SchemaExtension):
    """Tells the context which operation runs, so its audit records can name it."""

    def on_execute(self) -> Iterator[None]:
        name = self.execution_context.operation_name
        if name:
            self.execution_context.context.operation = name
        self.execution_context.context.document = self.execution_context.query
        yield
