"""Per-request loader for the network entry (services, contact) of a partner that a referral or
a consent names: a client's page of referrals and consents costs one query for their partners."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from service.partners.models import NetworkMembership, PartnerOrganisation
from service.partners.service import NetworkEntry
from service.schema.dataloaders import RequestLoader
from service.tenants.models import Tenant

NetworkKey = tuple[uuid.UUID, uuid.UUID]  # (jobcenter, partner organisation)


class NetworkEntryByKeyLoader(RequestLoader[NetworkKey, NetworkEntry | None]):
    """The organisation as a network partner of the jobcenter; None where row-level security
    shows no such membership (it is the request's jobcenter's, or the partner's own)."""

    @classmethod
    async def load_batch(
        cls, session: AsyncSession, keys: list[NetworkKey]
    ) -> list[NetworkEntry | None]:
        rows = await session.execute(
            select(NetworkMembership, PartnerOrganisation, Tenant)
            .join(
                PartnerOrganisation,
                PartnerOrganisation.id == NetworkMembership.partner_organisation_id,
            )
            .join(Tenant, Tenant.id == NetworkMembership.tenant_id)
            .where(
                tuple_(NetworkMembership.tenant_id, NetworkMembership.partner_organisation_id).in_(
                    list(keys)
                )
            )
        )
        found = {
            (membership.tenant_id, membership.partner_organisation_id): NetworkEntry(
                membership, organisation, tenant
            )
            for membership, organisation, tenant in rows
        }
        return [found.get(key) for key in keys]
