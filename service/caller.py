"""Who calls a domain service, with what, and when: one small value instead of four arguments
(every service of cases, referrals, consent, clients and administration takes it first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.identity.actor import Actor
from service.moments import JOBCENTER_TIMEZONE
from service.policy.authorizer import Authorizer


@dataclass(frozen=True, slots=True)
class Caller:
    session: AsyncSession
    actor: Actor
    authorizer: Authorizer
    now: datetime
    expected_version: int | None = None
    """The version of the object the caller's change is based on (a case, a referral); a newer
    object is a conflict."""

    @property
    def today(self) -> date:
        return self.now.astimezone(JOBCENTER_TIMEZONE).date()
