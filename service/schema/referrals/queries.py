from __future__ import annotations

import strawberry

from service.ids import parse_id
from service.paging import decode_cursor, page_size
from service.referrals import service
from service.referrals.models import ReferralStatus as ReferralStatusEnum
from service.schema.context import Info
from service.schema.pagination import Connection, connection
from service.schema.referrals.dataloaders import prefetch_for_referrals
from service.schema.referrals.types import ReferralNode, ReferralStatus, referral_node


@strawberry.type
class ReferralQuery:
    @strawberry.field(
        description="Partners: every referral made to their organisation, by any jobcenter. "
        "Case managers: the referrals of the cases they act on. Newest first."
    )
    async def referrals(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: ReferralStatus | None = None,
        overdue: bool | None = None,
    ) -> Connection[ReferralNode]:
        size = page_size(first)
        views = await service.list_referrals(
            info.context.caller(),
            status=ReferralStatusEnum(status) if status else None,
            overdue=overdue,
            after=decode_cursor(after),
            limit=size + 1,
        )
        await prefetch_for_referrals(info, views[:size])
        return connection(
            views,
            size,
            after=after,
            key=lambda view: (view.row.created_at, view.row.id),
            node=referral_node,
        )

    @strawberry.field(description="One referral; NOT_FOUND if it is not the caller's to see.")
    async def referral(self, info: Info, id: strawberry.ID) -> ReferralNode:
        view = await service.get_referral(
            info.context.caller(), referral_id=parse_id(id, "referral")
        )
        return referral_node(view)
