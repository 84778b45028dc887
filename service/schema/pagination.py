"""Relay-style connections over keyset cursors (service/paging.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

from service.errors import ValidationFailed
from service.paging import decode_cursor, encode_cursor
from service.policy.guard import public_type

__all__ = ["Connection", "Edge", "PageInfo", "connection", "decode_cursor", "page_size"]

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
