from __future__ import annotations

import strawberry

from service.partners.service import list_network
from service.schema.context import Info
from service.schema.partners.types import NetworkPartner, ServiceCategory, network_partner


@strawberry.type
class PartnersQuery:
    @strawberry.field(
        description="Staff: the jobcenter's network partners. Partner users: their own "
        "organisation, once per jobcenter network it belongs to."
    )
    async def network_partners(
        self, info: Info, service_category: ServiceCategory | None = None
    ) -> list[NetworkPartner]:
        entries = await list_network(info.context.caller(), service_category=service_category)
        return [network_partner(entry) for entry in entries]
