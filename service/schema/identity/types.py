from __future__ import annotations

import strawberry

from service.clients.access import own_client_record
from service.identity.roles import ActorKind as ActorKindEnum
from service.identity.roles import Role as RoleEnum
from service.policy.guard import public_type
from service.schema.clients.types import ClientNode, client_node
from service.schema.context import Info

ActorKind = strawberry.enum(
    ActorKindEnum, name="ActorKind", description="Which kind of user is signed in."
)
Role = strawberry.enum(RoleEnum, name="Role", description="A role the signed-in user holds.")


@public_type(
    "an organisation, not a person",
    description="A jobcenter (gemeinsame Einrichtung or zugelassener kommunaler Träger).",
)
class Jobcenter:
    id: strawberry.ID
    slug: str
    name: str


@public_type(
    "an organisation, not a person",
    description="A network partner organisation (Netzwerkpartner, Träger).",
)
class PartnerOrganisation:
    id: strawberry.ID
    slug: str
    name: str


@public_type(
    "the signed-in user's own account (name and roles), never a client's data",
    description="The signed-in user, as this service knows them.",
)
class Me:
    subject: str = strawberry.field(description="The identity provider's subject (`sub`).")
    display_name: str
    kind: ActorKind
    roles: list[Role] = strawberry.field(
        description="Roles that count here: granted by the token and by this service's records."
    )
    jobcenter: Jobcenter | None = strawberry.field(
        description="The jobcenter of staff and clients; null for partner users."
    )
    organisation: PartnerOrganisation | None = strawberry.field(
        description="The organisation of partner users; null for staff and clients."
    )

    @strawberry.field(
        description="A signed-in client's own client record (its id names them in `consents` "
        "and the Auskunft), each field under its data category; null for staff and partners."
    )
    async def client(self, info: Info) -> ClientNode | None:
        own = await own_client_record(info.context.session, info.context.actor)
        return None if own is None else client_node(*own)
