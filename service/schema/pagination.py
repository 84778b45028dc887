"""Relay-style connections over keyset cursors (service/paging.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

from service.paging import encode_cursor
from service.policy.guard import public_type

Node = TypeVar("Node")
Row = TypeVar("Row")


@public_type("paging information only")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@public_type("a wrapper; its node is classified on its own", name="Edge")
class Edge(Generic[Node]):
    cursor: str
    node: Node


@public_type("a wrapper; its nodes are classified on their own", name="Connection")
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo


def connection(
    items: Sequence[Row],
    size: int,
    *,
    after: str | None,
    key: Callable[[Row], tuple[datetime, uuid.UUID]],
    node: Callable[[Row], Node],
) -> Connection[Node]:
    """`items` holds up to size + 1 rows: the extra one only tells that a next page exists.
    Keyset pages read forwards: a page after a cursor has one before it."""
    page = list(items[:size])
    edges = [Edge(cursor=encode_cursor(*key(item)), node=node(item)) for item in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > size,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
