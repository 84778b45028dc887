"""What every mutation returns: the changed object, or typed errors a portal can show
(STYLE.md habit 7). Authorization failures are not user errors: they stay GraphQL errors with
code FORBIDDEN or NOT_FOUND and say nothing about existence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from service.caller import Caller
from service.errors import UserError as UserErrorFault
from service.policy.guard import public_type
from service.schema.context import Info

T = TypeVar("T")

ExpectedVersion = Annotated[
    int | None,
    strawberry.argument(
        description="The version the change is based on (the changed object's `version`: "
        "Case.version, Referral.version); if it has changed since, nothing is changed and the "
        "error code is CONFLICT."
    ),
]


@public_type("describes the caller's input, never stored data")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    code: str = strawberry.field(
        description="VALIDATION, INVALID_STATE, CONFLICT, or a more specific code."
    )
    message: str
    message_de: str


async def run_change(
    info: Info,
    change: Callable[[Caller], Awaitable[T]],
    expected_version: int | None = None,
) -> tuple[T | None, list[UserError]]:
    """Run one mutation's service call with the request's `Caller`, in a savepoint; a
    `UserError` it raises becomes payload errors. Every mutation goes through here.

    The savepoint is why: a change refused with a user error leaves nothing behind (DESIGN.md,
    invariant 5), also one that changed rows before the refusal, or one refused at its flush (a
    restricted client, service/audit/writes.py), whose rows would otherwise still be pending
    when the request commits. Afterwards the request's loaders start afresh: what they held
    from before the change may be stale."""
    caller = info.context.caller(expected_version)
    try:
        async with caller.session.begin_nested():
            return await change(caller), []
    except UserErrorFault as error:
        return None, [
            UserError(
                field=error.field,
                code=error.code,
                message=error.message,
                message_de=error.message_de,
            )
        ]
    finally:
        info.context.clear_loaders()
