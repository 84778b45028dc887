"""What every mutation returns: the changed object, or typed errors a portal can show
(STYLE.md habit 7). Authorization failures are not user errors: they stay GraphQL errors with
code FORBIDDEN or NOT_FOUND and say nothing about existence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from service.errors import UserError as UserErrorFault
from service.policy.guard import public_type

T = TypeVar("T")


@public_type("describes the caller's input, never stored data")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    code: str = strawberry.field(
        description="VALIDATION, INVALID_STATE, CONFLICT, or a more specific code."
    )
    message: str
    message_de: str


async def attempt(work: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Run a service call; turn a UserError it raises into payload errors."""
    try:
        return await work, []
    except UserErrorFault as error:
        return None, [
            UserError(
                field=error.field,
                code=error.code,
                message=error.message,
                message_de=error.message_de,
            )
        ]


async def attempt_call(
    info: Any, change: Callable[..., Awaitable[T]], **arguments: Any
) -> tuple[T | None, list[UserError]]:
    """`attempt` a domain service function with the request's session, actor, policy and
    instant — what every mutation of consents, referrals and clients passes the same way."""
    context = info.context
    return await attempt(
        change(
            context.session,
            actor=context.actor,
            authorizer=context.authorizer,
            now=context.now,
            **arguments,
        )
    )
