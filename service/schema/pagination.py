"""Relay-style connections with opaque keyset cursors (created_at, id): stable under inserts,
and a page costs the same however deep it is."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

from service.errors import ValidationFailed
from service.policy.guard import public_type

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

Node = TypeVar("Node")
Row = TypeVar("Row")


@public_type("paging information only")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@public_type("a wrapper; its node is classified on its own", name="Edge")
class Edge(Generic[Node]):
    cursor: str
    node: Node


@public_type("a wrapper; its nodes are classified on their own", name="Connection")
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo


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
        return datetime.fromisoformat(stamp), uuid.UUID(row_id)
    except ValueError:
        raise ValidationFailed("after", "invalid cursor", "ungültiger Cursor") from None


def connection(
    items: Sequence[Row],
    size: int,
    *,
    key: Callable[[Row], tuple[datetime, uuid.UUID]],
    node: Callable[[Row], Node],
) -> Connection[Node]:
    """`items` holds up to size + 1 rows: the extra one only tells that a next page exists."""
    page = list(items[:size])
    edges = [Edge(cursor=encode_cursor(*key(item)), node=node(item)) for item in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > size, end_cursor=edges[-1].cursor if edges else None
        ),
    )
