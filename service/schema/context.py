"""The typed context every resolver receives (`info.context`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info as StrawberryInfo

from service.access_report.labels import FieldCategories
from service.audit.anchoring import Anchoring
from service.caller import Caller
from service.identity.actor import Actor
from service.moments import JOBCENTER_TIMEZONE
from service.policy.authorizer import Authorizer
from service.policy.guard import RequestGuard

L = TypeVar("L")


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
    now: datetime
    """The request's moment: consents are active or not as of this instant, for all its reads."""
    field_categories: FieldCategories
    """What the audit's recorded field names mean, for the Auskunft: made once from the served
    schema where the app is wired (service/app.py), never by importing the schema."""
    anchoring: Anchoring | None = None
    """Where the data-protection officer's verification finds the last anchor; None: the
    chain heads are not anchored (AUDIT_ANCHOR_DIR unset)."""
    operation: str = "(anonymous)"
    """The GraphQL operation's name, for the audit records (set by OperationNaming)."""
    document: str | None = None
    """The document's text as executed, to recognise a registered one (set by OperationNaming)."""
    fault_ids: list[str] = field(default_factory=list)
    """Ids of unexpected errors; any fault rolls the whole request back and withholds its data."""
    _loaders: dict[Callable[..., Any], Any] = field(default_factory=dict)
    _today: date | None = None

    @property
    def today(self) -> date:
        """The request's calendar day in the jobcenter (from its one instant); worked out once,
        not for every case of a list that asks whether its review is overdue."""
        if self._today is None:
            self._today = self.now.astimezone(JOBCENTER_TIMEZONE).date()
        return self._today

    def caller(self, expected_version: int | None = None) -> Caller:
        """Who calls the domain services in this request; one instant per request, so every
        rule of the request sees the same `now`."""
        return Caller(
            session=self.session,
            actor=self.actor,
            authorizer=self.authorizer,
            now=self.now,
            expected_version=expected_version,
        )

    def loader(self, loader_class: Callable[[AsyncSession], L]) -> L:
        """The request's own instance of a loader class (`ClientByIdLoader`, …), made on first
        use and never shared between requests (service/schema/dataloaders.py)."""
        found = self._loaders.get(loader_class)
        if found is None:
            found = self._loaders[loader_class] = loader_class(self.session)
        return found

    def clear_loaders(self) -> None:
        """After a change: what the loaders hold from before it may be stale."""
        self._loaders.clear()


Info = StrawberryInfo[Context, None]
