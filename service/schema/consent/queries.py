from __future__ import annotations

import strawberry

from service.consent.service import list_consents
from service.schema.consent.types import (
    ConsentNode,
    DataCategoryInfo,
    consent_node,
    data_categories,
)
from service.schema.context import Info
from service.schema.ids import parse_id


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
        context = info.context
        views = await list_consents(
            context.session,
            actor=context.actor,
            authorizer=context.authorizer,
            client_id=parse_id(client_id, "client"),
            now=context.now,
        )
        return [consent_node(view) for view in views]
