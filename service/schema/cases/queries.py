"""Case reads for jobcenter staff. Partners and clients get nothing here: they reach case data
through their referrals and their own views."""

from __future__ import annotations

import strawberry

from service.cases import listing, service
from service.cases.vocabulary import CASELOAD_GUIDELINE
from service.ids import parse_id, parse_optional_id
from service.paging import decode_cursor, page_size
from service.policy.guard import public_type
from service.schema.cases.common import StaffMember, staff_member
from service.schema.cases.dataloaders import prefetch_for_cases
from service.schema.cases.inputs import CaseFilterInput
from service.schema.cases.types import CaseNode, case_node
from service.schema.context import Info
from service.schema.pagination import Connection, connection


@public_type(
    "a case manager's workload: counts, no client's data",
    name="CaseloadEntry",
    description="Betreuungsschlüssel je Fachkraft (Richtwert 1:75).",
)
class CaseloadEntry:
    case_manager: StaffMember
    open_cases: int
    guideline: int
    over_guideline: bool


@strawberry.type
class CasesQuery:
    @strawberry.field(description="One case; NOT_FOUND unless the caller may see it.")
    async def case(self, info: Info, id: strawberry.ID) -> CaseNode | None:
        row, access = await service.get_case(info.context.caller(), case_id=parse_id(id, "case"))
        return case_node(row, access)

    @strawberry.field(description="Cases the caller may see, oldest first.")
    async def cases(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: CaseFilterInput | None = None,
    ) -> Connection[CaseNode]:
        filter = filter or CaseFilterInput()
        filters = listing.CaseFilter(
            status=filter.status,
            responsible_case_manager_id=parse_optional_id(
                filter.responsible_case_manager_id, "staff member"
            ),
            review_overdue=filter.review_overdue,
            past_two_years=filter.past_two_years,
        )
        size = page_size(first)
        rows = await listing.list_cases(
            info.context.caller(), filters=filters, after=decode_cursor(after), limit=size + 1
        )
        await prefetch_for_cases(info, [row for row, _ in rows[:size]])
        return connection(
            rows,
            size,
            after=after,
            key=lambda row: (row[0].created_at, row[0].id),
            node=lambda row: case_node(*row),
        )

    @strawberry.field(description="Admitted cases per case manager, for team leads.")
    async def caseload(self, info: Info) -> list[CaseloadEntry]:
        rows = await service.caseload(info.context.caller())
        return [
            CaseloadEntry(
                case_manager=staff_member(staff),
                open_cases=count,
                guideline=CASELOAD_GUIDELINE,
                over_guideline=count > CASELOAD_GUIDELINE,
            )
            for staff, count in rows
        ]
