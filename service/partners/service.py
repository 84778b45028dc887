"""The network: which partner organisations work with a jobcenter, for which services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import any_, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.caller import Caller
from service.errors import ValidationFailed
from service.partners.categories import ServiceCategory
from service.partners.models import NetworkMembership, PartnerOrganisation
from service.policy.actions import Action
from service.tenants.models import Tenant

NETWORK = "network"


@dataclass(frozen=True, slots=True)
class NetworkEntry:
    membership: NetworkMembership
    organisation: PartnerOrganisation
    jobcenter: Tenant


async def network_membership(
    session: AsyncSession, organisation_id: uuid.UUID
) -> NetworkMembership:
    """The jobcenter's active membership of the organisation, for a step that names a partner
    (a referral, an activity). One answer for an organisation outside the network, whether it
    is another jobcenter's partner or no organisation at all: memberships are the jobcenter's
    rows, under row-level security."""
    membership = await session.scalar(
        select(NetworkMembership).where(
            NetworkMembership.partner_organisation_id == organisation_id,
            NetworkMembership.active,
        )
    )
    if membership is None:
        raise ValidationFailed(
            "partnerOrganisationId",
            "not a network partner of this jobcenter",
            "kein Netzwerkpartner dieses Jobcenters",
        )
    return membership


async def list_network(
    caller: Caller,
    *,
    service_category: ServiceCategory | None = None,
    active_only: bool = True,
) -> list[NetworkEntry]:
    """Staff: their jobcenter's network partners. Partner users: their organisation's
    memberships, one per jobcenter. Row-level security draws that line; the policy decides
    whether the actor may look at all."""
    caller.authorizer.authorize(caller.actor, Action.NETWORK_READ, NETWORK)
    query = (
        select(NetworkMembership, PartnerOrganisation, Tenant)
        .join(
            PartnerOrganisation, PartnerOrganisation.id == NetworkMembership.partner_organisation_id
        )
        .join(Tenant, Tenant.id == NetworkMembership.tenant_id)
        .order_by(PartnerOrganisation.name, Tenant.name)
    )
    if service_category is not None:
        query = query.where(any_(NetworkMembership.service_categories) == str(service_category))
    if active_only:
        query = query.where(NetworkMembership.active)
    rows = await caller.session.execute(query)
    return [NetworkEntry(*row) for row in rows]
