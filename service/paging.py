"""Keyset cursors over (created_at, id): opaque to portals, stable under inserts, and a page
costs the same however deep it is. One codec for every list (cases, referrals)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from service.errors import ValidationFailed
from service.moments import parse_datetime

Position = tuple[datetime, uuid.UUID]
Item = TypeVar("Item")

# One rule for every list's `first`; the cost rule (service/schema/document_limits.py) counts a
# list by the same numbers.
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationFailed(
            "first",
            f"page size must be between 1 and {MAX_PAGE_SIZE}",
            f"Seitengröße muss zwischen 1 und {MAX_PAGE_SIZE} liegen",
        )
    return size


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{created_at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if cursor is None:
        return None
    try:
        stamp, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return parse_datetime(stamp), uuid.UUID(row_id)
    except ValueError:  # also binascii.Error and UnicodeDecodeError
        raise ValidationFailed("after", "invalid cursor", "ungültiger Cursor") from None


async def fill_page(
    batch: Callable[[Position | None, int], Awaitable[tuple[Sequence[Any], list[Item]]]],
    wanted: int,
    after: Position | None,
) -> list[Item]:
    """Up to `wanted` items, reading batches on from `after` until that many are kept or the
    rows run out. `batch(position, size)` returns the rows it read (each with `created_at` and
    `id`) and the items kept of them: where a policy decides per row after the fetch (a deputy
    reads only under the client's deputy consent), a page is still full.

    The first batch is `wanted` rows; each later one only what is still missing (at least
    `FOLLOW_UP_BATCH`): a case list that kept 50 of 51 used to read 51 more rows, their
    consents and their access, for the one it lacked (W1, bench/RESULTS.md)."""
    items: list[Item] = []
    position = after
    size = wanted
    while len(items) < wanted:
        rows, kept = await batch(position, size)
        items += kept
        if len(rows) < size:
            break
        position = (rows[-1].created_at, rows[-1].id)
        size = max(wanted - len(items), FOLLOW_UP_BATCH)
    return items[:wanted]


FOLLOW_UP_BATCH = 10
