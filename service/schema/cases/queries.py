"""Case reads for jobcenter staff. Partners and clients get nothing here: they reach case data
through their referrals and their own views."""

from __future__ import annotations

import strawberry

from service.cases import listing, service
from service.cases.vocabulary import CASELOAD_GUIDELINE
from service.ids import parse_id, parse_optional_id
from service.policy.guard import public_type
from service.schema.cases.common import StaffMember, staff_member
from service.schema.cases.connection import CaseConnection, CaseEdge, CasePageInfo
from service.schema.cases.dataloaders import prefetch_for_cases
from service.schema.cases.inputs import CaseFilterInput
from service.schema.cases.types import CaseNode, case_node
from service.schema.context import Info


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
        first: int = 50,
        after: str | None = None,
        filter: CaseFilterInput | None = None,
    ) -> CaseConnection:
        filter = filter or CaseFilterInput()
        filters = listing.CaseFilter(
            status=filter.status,
            responsible_case_manager_id=parse_optional_id(
                filter.responsible_case_manager_id, "staff member"
            ),
            review_overdue=filter.review_overdue,
            past_two_years=filter.past_two_years,
        )
        page = await listing.list_cases(
            info.context.caller(), filters=filters, first=first, after=after
        )
        await prefetch_for_cases(info, [row for row, _, _ in page.rows])
        edges = [
            CaseEdge(cursor=cursor, node=case_node(row, access))
            for row, access, cursor in page.rows
        ]
        return CaseConnection(
            edges=edges,
            page_info=CasePageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
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
