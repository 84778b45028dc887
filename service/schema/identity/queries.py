from __future__ import annotations

from typing import TypeVar

import strawberry

from service.partners.models import PartnerOrganisation as PartnerOrganisationRow
from service.policy.actions import Action
from service.schema.context import Info
from service.schema.identity.types import Jobcenter, Me, PartnerOrganisation
from service.sign_in.description import describe_actor
from service.tenants.models import Tenant


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="Who is signed in: kind, roles, jobcenter or organisation.")
    async def me(self, info: Info) -> Me:
        context = info.context
        context.authorizer.authorize(context.actor, Action.READ_IDENTITY, context.actor)
        description = await describe_actor(context.session, context.actor)
        return Me(
            subject=context.actor.subject,
            display_name=context.actor.display_name,
            kind=context.actor.kind,
            roles=sorted(context.actor.roles),
            jobcenter=_as_type(Jobcenter, description.tenant),
            organisation=_as_type(PartnerOrganisation, description.organisation),
        )


OrganisationType = TypeVar("OrganisationType", Jobcenter, PartnerOrganisation)


def _as_type(
    cls: type[OrganisationType], row: Tenant | PartnerOrganisationRow | None
) -> OrganisationType | None:
    if row is None:
        return None
    return cls(id=strawberry.ID(str(row.id)), slug=row.slug, name=row.name)
