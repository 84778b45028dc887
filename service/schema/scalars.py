"""The GraphQL Date and DateTime scalars, parsed by service/moments.py: an offset required, the
years bounded."""

from __future__ import annotations

import datetime

import strawberry

from service.moments import parse_date, parse_datetime

Date = strawberry.scalar(
    name="Date",
    description="A calendar day, ISO 8601 (2026-12-01), in the years 1900–2199.",
    serialize=datetime.date.isoformat,
    parse_value=parse_date,
)
DateTime = strawberry.scalar(
    name="DateTime",
    description="A moment, ISO 8601 with its offset (2026-12-01T09:30:00+01:00 or …Z), in the "
    "years 1900–2199.",
    serialize=datetime.datetime.isoformat,
    parse_value=parse_datetime,
)
# The schema's scalar_map puts these in place of strawberry's own Date and DateTime.
SCALAR_MAP = {datetime.date: Date, datetime.datetime: DateTime}
