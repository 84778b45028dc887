"""Dates and date-times as the service accepts them, from any input (GraphQL scalars, cursors,
query parameters): a date-time must say its offset (a naive one would be read in the server's
zone, which is no one's), and both lie in years that Python's date arithmetic and PostgreSQL
hold with room to spare — a `to` of 9999-12-31 plus a day overflowed Python and answered 500,
and `?to=9999-12-31` on /auskunft reset the connection (issue 15)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

FIRST_YEAR, LAST_YEAR = 1900, 2199

# Dates of case management (admission, reviews, access-until) are German calendar days.
JOBCENTER_TIMEZONE = ZoneInfo("Europe/Berlin")


class MomentRefused(ValueError):
    """A date or date-time the service does not accept (the GraphQL layer answers VALIDATION)."""


def _in_range(value: datetime.date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise MomentRefused(f"the date lies outside the years {FIRST_YEAR}–{LAST_YEAR}")


def parse_date(value: object) -> datetime.date:
    if not isinstance(value, str):
        raise MomentRefused("a date is a string like 2026-12-01")
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        raise MomentRefused("not a date like 2026-12-01") from None
    _in_range(parsed)
    return parsed


def parse_datetime(value: object) -> datetime.datetime:
    if not isinstance(value, str):
        raise MomentRefused("a date-time is a string like 2026-12-01T09:30:00+01:00")
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise MomentRefused("not a date-time like 2026-12-01T09:30:00+01:00") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise MomentRefused("the date-time needs its offset, like +01:00 or Z")
    _in_range(parsed)
    return parsed


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole months, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
