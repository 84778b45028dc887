"""Relay-style connection of cases. The wrappers hold no personal data; the nodes are Cases."""

from __future__ import annotations

import strawberry

from service.policy.guard import public_type
from service.schema.cases.types import CaseNode


@public_type("pagination state only", name="CasePageInfo")
class CasePageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@public_type("wrapper around a Case, which is guarded itself", name="CaseEdge")
class CaseEdge:
    cursor: str
    node: CaseNode


@public_type("a page of Cases, which are guarded themselves", name="CaseConnection")
class CaseConnection:
    edges: list[CaseEdge]
    page_info: CasePageInfo = strawberry.field(name="pageInfo")
