"""What every mutation returns: the changed object, or typed errors a portal can show
(STYLE.md habit 7). Authorization failures are not user errors: they stay GraphQL errors with
code FORBIDDEN or NOT_FOUND and say nothing about existence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

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
    instant — what every mutation of consents, referrals and clients passes the same way.

    In a savepoint, as the case mutations are: a change refused with a user error leaves
    nothing behind, also one refused at its flush (a restricted client, service/audit/writes.py)
    whose rows would otherwise still be pending when the request commits."""
    context = info.context
    return await attempt(
        _in_savepoint(
            context.session,
            change(
                context.session,
                actor=context.actor,
                authorizer=context.authorizer,
                now=context.now,
                **arguments,
            ),
        )
    )


async def _in_savepoint(session: AsyncSession, work: Awaitable[T]) -> T:
    async with session.begin_nested():
        return await work
