from __future__ import annotations

import uuid

import strawberry

from service.partners.categories import SERVICE_CATEGORY_LABELS_DE
from service.partners.categories import ServiceCategory as ServiceCategoryEnum
from service.partners.service import NetworkEntry
from service.policy.guard import public_type
from service.schema.context import Info
from service.schema.identity.types import Jobcenter, PartnerOrganisation
from service.schema.partners.dataloaders import NetworkEntryByKeyLoader

ServiceCategory = strawberry.enum(
    ServiceCategoryEnum,
    name="ServiceCategory",
    description="What a network partner offers. German labels: "
    + "; ".join(f"{key.name}: {label}" for key, label in SERVICE_CATEGORY_LABELS_DE.items()),
)


@public_type("organisations and their offers; no client data", name="NetworkPartner")
class NetworkPartner:
    organisation: PartnerOrganisation
    jobcenter: Jobcenter = strawberry.field(description="The jobcenter whose network this is.")
    service_categories: list[ServiceCategory]
    contact: str | None
    capacity_note: str | None
    active: bool


def network_partner(entry: NetworkEntry) -> NetworkPartner:
    return NetworkPartner(
        organisation=PartnerOrganisation(
            id=strawberry.ID(str(entry.organisation.id)),
            slug=entry.organisation.slug,
            name=entry.organisation.name,
        ),
        jobcenter=Jobcenter(
            id=strawberry.ID(str(entry.jobcenter.id)),
            slug=entry.jobcenter.slug,
            name=entry.jobcenter.name,
        ),
        service_categories=[ServiceCategoryEnum(c) for c in entry.membership.service_categories],
        contact=entry.membership.contact,
        capacity_note=entry.membership.capacity_note,
        active=entry.membership.active,
    )


async def network_partner_of(
    info: Info, tenant_id: uuid.UUID, organisation_id: uuid.UUID | None
) -> NetworkPartner | None:
    """The partner a referral or consent names, as the jobcenter's network lists it: how a
    client learns who the organisation is and how to reach it, without the rest of the network
    (`networkPartners` stays staff's and partners')."""
    if organisation_id is None:
        return None
    loader = info.context.loader(NetworkEntryByKeyLoader)
    entry = await loader.load((tenant_id, organisation_id))
    return None if entry is None else network_partner(entry)
