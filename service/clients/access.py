"""What an actor is to one client, for operations that name the client by id (consents,
restriction and erasure, the Auskunft): asked here, once, and nowhere else. Only facts are
gathered here; policies.polar decides, and `client_for` turns "may not see this client" into the
one NOT_FOUND (DESIGN.md, "Not yours is one answer").
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.caller import Caller
from service.cases.access import JOBCENTER_ACCESS, case_relations
from service.cases.models import Case
from service.clients.models import Client
from service.consent.facts import consent_facts_for_clients
from service.errors import NotFound, found
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.policy.actions import Action
from service.policy.facts import NO_ACCESS, Access, Relation

SUBJECT_ACCESS = Access(frozenset({Relation.DATA_SUBJECT}))


def standing(actor: Actor, client_id: uuid.UUID) -> Access:
    """What the actor is to a client before any case of theirs: the client themselves (a client
    signs in as their record, service/identity/actor.py: the actor's id is the client's), or
    staff of the client's jobcenter — another jobcenter's client is not in the session's scope
    (row-level security). A partner is nothing to a client here: partners reach a client only
    through a referral (service/referrals/access.py)."""
    if actor.kind is ActorKind.CLIENT:
        return SUBJECT_ACCESS if actor.user_id == client_id else NO_ACCESS
    if actor.kind is ActorKind.STAFF:
        return JOBCENTER_ACCESS
    return NO_ACCESS


async def client_access(
    session: AsyncSession, actor: Actor, client_id: uuid.UUID, now: datetime
) -> tuple[Client, Access]:
    """The client, and what the actor is to their data: themselves, or staff of their jobcenter
    (with the relations of every case of theirs, and their deputy consents). Another
    jobcenter's client is not in the session's scope (row-level security): NOT_FOUND, as for an
    unknown id."""
    client = found(await session.scalar(select(Client).where(Client.id == client_id)))
    if actor.kind is ActorKind.PARTNER:
        raise NotFound()  # partners reach a client only through a referral
    access = standing(actor, client.id)
    if actor.kind is not ActorKind.STAFF:
        return client, access
    cases = await session.scalars(select(Case).where(Case.client_id == client.id))
    relations = access.relations.union(*(case_relations(actor, case) for case in cases))
    deputy_consents = await consent_facts_for_clients(session, client_ids=[client.id], now=now)
    return client, Access(relations, deputy_consents.get(client.id, ()))


async def own_client_record(session: AsyncSession, actor: Actor) -> tuple[Client, Access] | None:
    """The signed-in client's own record, as its data subject; None for staff and partners.
    A client signs in as their record (service/identity/actor.py: login subject → client), so
    the actor's id is the client's."""
    if actor.kind is not ActorKind.CLIENT:
        return None
    client = await session.scalar(select(Client).where(Client.id == actor.user_id))
    if client is None:
        return None
    return client, SUBJECT_ACCESS


async def client_for(
    caller: Caller,
    *,
    client_id: uuid.UUID,
    action: Action,
    seen: Action = Action.CLIENT_READ,
) -> tuple[Client, Access]:
    """The client named by an id, if the actor may do `action`, and what the actor is to them:
    NOT_FOUND unless the client exists for them (`seen`: another jobcenter's client to a
    data-protection officer, another case manager's to a case manager), FORBIDDEN only if it
    does but the action is not theirs."""
    client, access = await client_access(caller.session, caller.actor, client_id, caller.now)
    caller.authorizer.authorize_seen(caller.actor, action, access, seen=seen)
    return client, access
