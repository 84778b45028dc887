"""Restriction (Sperrung) and erasure (Löschung) of a client's data, by the data-protection
officer. Restriction refuses reads and writes (the guard adds the fact to every read and every
flush, service/audit/writes.py; the policy decides); erasure (service/clients/erasure.py, from
the data map) removes the personal content and keeps the keys, so references and the audit chain
still hold and the audit can say that data was erased without keeping what it was."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.cases.models import Case, CaseStatus
from service.clients.access import client_for
from service.clients.erasure import ErasedRow, erase_client_rows
from service.clients.models import Client
from service.clients.privacy_models import ClientRestriction
from service.errors import InvalidTransition, required, too_long
from service.identity.actor import Actor
from service.policy.actions import Action
from service.policy.authorizer import Authorizer

REASON_LIMIT = 500


async def restricted_subjects(session: AsyncSession) -> frozenset[uuid.UUID]:
    """Clients under an active restriction, as far as the request's scope can see."""
    rows = await session.scalars(
        select(ClientRestriction.client_id).where(ClientRestriction.lifted_at.is_(None))
    )
    return frozenset(rows)


async def restrict(
    session: AsyncSession,
    *,
    actor: Actor,
    authorizer: Authorizer,
    client_id: uuid.UUID,
    reason: str,
    now: datetime,
) -> ClientRestriction:
    client, _ = await client_for(
        session,
        actor=actor,
        authorizer=authorizer,
        client_id=client_id,
        action=Action.CLIENT_RESTRICT,
        now=now,
    )
    if not reason.strip():
        raise required("reason")
    if len(reason) > REASON_LIMIT:
        raise too_long("reason", REASON_LIMIT)
    if await _active_restriction(session, client.id) is not None:
        raise InvalidTransition("already restricted", "bereits gesperrt")
    restriction = ClientRestriction(
        tenant_id=client.tenant_id,
        client_id=client.id,
        reason=reason.strip(),
        restricted_by_id=actor.user_id,
        restricted_at=now,
    )
    session.add(restriction)
    await session.flush()
    return restriction


async def lift_restriction(
    session: AsyncSession,
    *,
    actor: Actor,
    authorizer: Authorizer,
    client_id: uuid.UUID,
    now: datetime,
) -> ClientRestriction:
    client, _ = await client_for(
        session,
        actor=actor,
        authorizer=authorizer,
        client_id=client_id,
        action=Action.CLIENT_RESTRICT,
        now=now,
    )
    restriction = await _active_restriction(session, client.id)
    if restriction is None:
        raise InvalidTransition("not restricted", "nicht gesperrt")
    restriction.lifted_at, restriction.lifted_by_id = now, actor.user_id
    await session.flush()
    return restriction


async def _active_restriction(session: AsyncSession, client_id: uuid.UUID):
    return await session.scalar(
        select(ClientRestriction).where(
            ClientRestriction.client_id == client_id, ClientRestriction.lifted_at.is_(None)
        )
    )


async def erase(
    session: AsyncSession,
    *,
    actor: Actor,
    authorizer: Authorizer,
    client_id: uuid.UUID,
    now: datetime,
) -> tuple[Client, list[ErasedRow]]:
    """Erase where the law allows: not while a case is open (the data is still needed for it).
    Every erasable column of the data map, in every table with the client's data."""
    client, _ = await client_for(
        session,
        actor=actor,
        authorizer=authorizer,
        client_id=client_id,
        action=Action.CLIENT_ERASE,
        now=now,
    )
    if client.erased_at is not None:
        raise InvalidTransition("already erased", "bereits gelöscht")
    open_case = await session.scalar(
        select(Case.id).where(
            Case.client_id == client.id,
            Case.status.in_([str(CaseStatus.PROPOSED), str(CaseStatus.ADMITTED)]),
        )
    )
    if open_case is not None:
        raise InvalidTransition(
            "the client has an open case; erase after it is closed",
            "es besteht ein offener Fall; Löschung erst nach dem Fallabgang",
        )
    erased = await erase_client_rows(session, client.id)
    await session.execute(
        update(Client).where(Client.id == client.id).values(active=False, erased_at=now)
    )
    await session.refresh(client)
    return client, erased
