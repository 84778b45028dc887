"""The jobcenter's network (Netzwerkpartner): which partner organisations work with it, for which
services, and how to reach them. Organisations themselves are global (one Träger serves several
jobcenters) and kept by the operator of the service, not by one jobcenter's administration.

A membership that ends is deactivated: referrals already made keep their partner, new ones to it
are refused (service/referrals/service.py asks for an active membership). Registering an
organisation that left the network again takes it back in.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from service.admin.directory import jobcenter
from service.caller import Caller
from service.errors import InvalidTransition, UserError, found, required, too_long
from service.partners.categories import ServiceCategory
from service.partners.models import NetworkMembership, PartnerOrganisation
from service.partners.service import NetworkEntry
from service.policy.actions import Action
from service.tenants.models import Tenant

CONTACT_LIMIT, CAPACITY_NOTE_LIMIT = 500, 1000
UNCHANGED = object()

ALREADY_MEMBER = UserError(
    "organisationId",
    "CONFLICT",
    "the organisation is already a network partner of the jobcenter",
    "die Organisation ist bereits Netzwerkpartner des Jobcenters",
)


async def register_membership(
    caller: Caller,
    *,
    organisation_id: uuid.UUID,
    service_categories: Sequence[ServiceCategory],
    contact: str | None = None,
    capacity_note: str | None = None,
) -> NetworkEntry:
    caller.authorizer.authorize(caller.actor, Action.NETWORK_MANAGE, jobcenter(caller))
    organisation = found(
        await caller.session.scalar(
            select(PartnerOrganisation).where(PartnerOrganisation.id == organisation_id)
        )
    )
    membership = await _membership(caller, organisation_id)
    if membership is None:
        membership = NetworkMembership(
            tenant_id=caller.actor.tenant_id, partner_organisation_id=organisation.id
        )
        caller.session.add(membership)
    elif membership.active:
        raise ALREADY_MEMBER
    membership.active = True
    membership.service_categories = _categories(service_categories)
    membership.contact = _optional(contact, "contact", CONTACT_LIMIT)
    membership.capacity_note = _optional(capacity_note, "capacityNote", CAPACITY_NOTE_LIMIT)
    await caller.session.flush()
    return await _entry(caller, membership, organisation)


async def update_membership(
    caller: Caller,
    *,
    organisation_id: uuid.UUID,
    service_categories: object = UNCHANGED,
    contact: object = UNCHANGED,
    capacity_note: object = UNCHANGED,
) -> NetworkEntry:
    membership, organisation = await _membership_for(caller, organisation_id)
    if service_categories is not UNCHANGED:
        membership.service_categories = _categories(service_categories)  # type: ignore[arg-type]
    if contact is not UNCHANGED:
        membership.contact = _optional(contact, "contact", CONTACT_LIMIT)
    if capacity_note is not UNCHANGED:
        membership.capacity_note = _optional(capacity_note, "capacityNote", CAPACITY_NOTE_LIMIT)
    await caller.session.flush()
    return await _entry(caller, membership, organisation)


async def deactivate_membership(caller: Caller, *, organisation_id: uuid.UUID) -> NetworkEntry:
    membership, organisation = await _membership_for(caller, organisation_id)
    if not membership.active:
        raise InvalidTransition("already inactive", "bereits inaktiv")
    membership.active = False
    await caller.session.flush()
    return await _entry(caller, membership, organisation)


async def _membership_for(
    caller: Caller, organisation_id: uuid.UUID
) -> tuple[NetworkMembership, PartnerOrganisation]:
    caller.authorizer.authorize(caller.actor, Action.NETWORK_MANAGE, jobcenter(caller))
    membership = found(await _membership(caller, organisation_id))
    organisation = await caller.session.get(PartnerOrganisation, organisation_id)
    return membership, found(organisation)


async def _membership(caller: Caller, organisation_id: uuid.UUID) -> NetworkMembership | None:
    return await caller.session.scalar(
        select(NetworkMembership)
        .where(NetworkMembership.partner_organisation_id == organisation_id)
        .with_for_update()
    )


async def _entry(
    caller: Caller, membership: NetworkMembership, organisation: PartnerOrganisation
) -> NetworkEntry:
    tenant = found(await caller.session.get(Tenant, caller.actor.tenant_id))
    return NetworkEntry(membership=membership, organisation=organisation, jobcenter=tenant)


def _categories(categories: Sequence[ServiceCategory]) -> list[str]:
    chosen = sorted({str(ServiceCategory(category)) for category in categories})
    if not chosen:
        raise required("serviceCategories")
    return chosen


def _optional(value: object, field: str, limit: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    if len(text) > limit:
        raise too_long(field, limit)
    return text or None
