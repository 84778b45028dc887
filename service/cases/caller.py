"""Who calls a case service, with what, and when: one small value instead of four arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from service.identity.actor import Actor
from service.policy.authorizer import Authorizer

# Dates of case management (admission, reviews, access-until) are German calendar days.
JOBCENTER_TIMEZONE = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True, slots=True)
class Caller:
    session: AsyncSession
    actor: Actor
    authorizer: Authorizer
    now: datetime
    expected_version: int | None = None
    """The case version the caller's change is based on; a newer case is a conflict."""

    @property
    def today(self) -> date:
        return self.now.astimezone(JOBCENTER_TIMEZONE).date()


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
