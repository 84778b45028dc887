"""What an actor is to one client, for operations that name the client by id (consents,
restriction and erasure, the Auskunft). Only facts are gathered here; policies.polar decides,
and `client_for` turns "may not see this client" into the one NOT_FOUND (DESIGN.md, "Not yours
is one answer").
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.access import case_relations
from service.cases.models import Case
from service.clients.models import Client
from service.consent.facts import consent_facts_for_clients
from service.errors import NotFound, found
from service.identity.actor import Actor
from service.identity.roles import ActorKind
from service.policy.actions import Action
from service.policy.authorizer import Authorizer
from service.policy.facts import Access, Relation


async def client_access(
    session: AsyncSession, actor: Actor, client_id: uuid.UUID, now: datetime
) -> tuple[Client, Access]:
    """The client, and what the actor is to their data: themselves, or staff of their jobcenter
    (with the relations of every case of theirs, and their deputy consents). Another
    jobcenter's client is not in the session's scope (row-level security): NOT_FOUND, as for an
    unknown id."""
    client = found(await session.scalar(select(Client).where(Client.id == client_id)))
    if actor.kind is ActorKind.CLIENT:
        relations = (
            frozenset({Relation.DATA_SUBJECT}) if actor.user_id == client.id else frozenset()
        )
        return client, Access(relations)
    if actor.kind is not ActorKind.STAFF:
        raise NotFound()  # partners reach a client only through a referral
    cases = await session.scalars(select(Case).where(Case.client_id == client.id))
    relations = frozenset({Relation.SAME_JOBCENTER}).union(
        *(case_relations(actor, case) for case in cases)
    )
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
    return client, Access(frozenset({Relation.DATA_SUBJECT}))


async def client_for(
    session: AsyncSession,
    *,
    actor: Actor,
    authorizer: Authorizer,
    client_id: uuid.UUID,
    action: Action,
    now: datetime,
    seen: Action = Action.CLIENT_READ,
) -> tuple[Client, Access]:
    """The client named by an id, if the actor may do `action`: NOT_FOUND unless the client
    exists for them (`seen`), FORBIDDEN if it does but the action is not theirs."""
    client, access = await client_access(session, actor, client_id, now)
    authorizer.authorize_seen(actor, action, access, seen=seen)
    return client, access
