"""The diary's reads: a case's diary (staff who read the case, and the client their own: each
list under its category), and the signed-in case manager's due list."""

from __future__ import annotations

import strawberry

from service.diary import due_list, service
from service.diary.vocabulary import DUE_LIST_DAYS_DEFAULT
from service.ids import parse_id
from service.paging import decode_cursor, encode_cursor, page_size
from service.schema.cases.types import case_node
from service.schema.context import Info
from service.schema.diary.types import (
    CaseDiaryNode,
    DueItem,
    appointment_node,
    diary_node,
    follow_up_node,
)
from service.schema.pagination import Connection, Edge, PageInfo


@strawberry.type
class DiaryQuery:
    @strawberry.field(
        description="A case's notes, appointments and follow-ups; NOT_FOUND unless the caller "
        "may see the case. A client reads their own appointments here (not the notes)."
    )
    async def diary(self, info: Info, case_id: strawberry.ID) -> CaseDiaryNode:
        case, access = await service.get_diary(
            info.context.caller(), case_id=parse_id(case_id, "case")
        )
        return diary_node(case, access)

    @strawberry.field(
        description="Fälligkeitsliste: the signed-in case manager's follow-ups due today or "
        "overdue, and their planned appointments up to `days` days ahead (earlier ones not yet "
        "recorded too), across the cases they work on, by date."
    )
    async def due_list(
        self,
        info: Info,
        days: int = DUE_LIST_DAYS_DEFAULT,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[DueItem]:
        page = await due_list.due_list(
            info.context.caller(), days=days, first=page_size(first), after=decode_cursor(after)
        )
        edges = [
            Edge(cursor=encode_cursor(entry.moment, entry.row_id), node=_item(entry))
            for entry in page.entries
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


def _item(entry: due_list.DueEntry) -> DueItem:
    case, access = entry.case, entry.access
    follow_up, appointment = entry.follow_up, entry.appointment
    return DueItem(
        case=case_node(case, access),
        follow_up=follow_up_node(case, access, follow_up) if follow_up else None,
        appointment=appointment_node(case, access, appointment) if appointment else None,
    )
