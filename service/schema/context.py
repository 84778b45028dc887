"""The typed context every resolver receives (`info.context`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from service.identity.actor import Actor
from service.policy.authorizer import Authorizer
from service.policy.guard import RequestGuard


@dataclass(slots=True)
class Context:
    request: Request
    response: Response
    request_id: str
    actor: Actor
    session: AsyncSession
    """The request's one session; its transaction is committed by the endpoint, not here."""
    authorizer: Authorizer
    guard: RequestGuard
    """The field guard's state for this request: policy answers so far, reads to record."""
    fault_ids: list[str] = field(default_factory=list)
    """Ids of unexpected errors; any fault rolls the whole request back and withholds its data."""


Info = StrawberryInfo[Context, None]
