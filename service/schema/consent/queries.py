from __future__ import annotations

import strawberry

from service.consent.service import list_consents
from service.ids import parse_id
from service.schema.consent.types import (
    ConsentNode,
    DataCategoryInfo,
    consent_node,
    data_categories,
)
from service.schema.context import Info


@strawberry.type
class ConsentQuery:
    @strawberry.field(
        description="Every data category a consent can name, with labels and descriptions."
    )
    def data_categories(self) -> list[DataCategoryInfo]:
        return data_categories()

    @strawberry.field(
        description="A client's consents, newest first, with revocations; NOT_FOUND unless the "
        "caller may see the client."
    )
    async def consents(self, info: Info, client_id: strawberry.ID) -> list[ConsentNode]:
        views = await list_consents(info.context.caller(), client_id=parse_id(client_id, "client"))
        return [consent_node(view) for view in views]
