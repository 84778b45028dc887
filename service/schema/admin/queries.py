"""The jobcenter's directory for whoever proposes clients for intake: clients by customer number
or name, and the case managers to propose them to (policies.polar, "Administration")."""

from __future__ import annotations

import strawberry

from service.admin import directory
from service.ids import parse_optional_id
from service.paging import page_size
from service.schema.cases.common import StaffMember, staff_member
from service.schema.clients.types import ClientNode, client_node
from service.schema.context import Info
from service.schema.pagination import Connection, connection


@strawberry.type
class AdminQuery:
    @strawberry.field(
        description="Active clients of the jobcenter by customer number (exact) or name (each "
        "word the beginning of the given or family name); 2–100 characters, oldest first."
    )
    async def search_clients(
        self, info: Info, text: str, first: int | None = None, after: str | None = None
    ) -> Connection[ClientNode]:
        size = page_size(first)
        rows, access = await directory.search_clients(
            info.context.caller(), text=text, size=size, after=after
        )
        return connection(
            rows,
            size,
            after=after,
            key=lambda row: (row.created_at, row.id),
            node=lambda row: client_node(row, access),
        )

    @strawberry.field(description="The jobcenter's active case managers (of one team), by name.")
    async def case_managers(
        self, info: Info, team_id: strawberry.ID | None = None
    ) -> list[StaffMember]:
        rows = await directory.case_managers(
            info.context.caller(), team_id=parse_optional_id(team_id, "team")
        )
        return [staff_member(row) for row in rows]
