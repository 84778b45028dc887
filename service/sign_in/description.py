"""What the service can tell an actor about themselves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from service.identity.actor import Actor
from service.partners.models import PartnerOrganisation
from service.tenants.models import Tenant


@dataclass(frozen=True, slots=True)
class ActorDescription:
    tenant: Tenant | None
    organisation: PartnerOrganisation | None


async def describe_actor(session: AsyncSession, actor: Actor) -> ActorDescription:
    tenant = await session.get(Tenant, actor.tenant_id) if actor.tenant_id else None
    organisation = (
        await session.get(PartnerOrganisation, actor.organisation_id)
        if actor.organisation_id
        else None
    )
    return ActorDescription(tenant=tenant, organisation=organisation)
