"""What every case resolver needs: the Caller of the request and ids parsed from the API."""

from __future__ import annotations

import uuid

import strawberry

from service.cases.caller import Caller
from service.errors import NotFound
from service.schema.context import Info


def caller_of(info: Info, expected_version: int | None = None) -> Caller:
    context = info.context
    return Caller(
        session=context.session,
        actor=context.actor,
        authorizer=context.authorizer,
        now=context.now,  # one instant per request: every rule of the request sees the same
        expected_version=expected_version,
    )


def uuid_of(value: strawberry.ID | None, what: str) -> uuid.UUID:
    """An id from the API. A malformed one is as unknown as a well-formed one that is not there
    (`what` is for the reader of the call; the answer is the same for every kind)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def optional_uuid(value: strawberry.ID | None, what: str) -> uuid.UUID | None:
    return None if value is None else uuid_of(value, what)
