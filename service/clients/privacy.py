"""Restriction (Sperrung) and erasure (Löschung) of a client's data, by the data-protection
officer. Restriction refuses reads and writes (the guard adds the fact to every read and every
flush, service/audit/writes.py; the policy decides); erasure (service/clients/erasure.py, from
the data map) removes the personal content and keeps the keys, so references and the audit chain
still hold and the audit can say that data was erased without keeping what it was."""

from __future__ import annotations

import uuid

from sqlalchemy import ARRAY, ColumnElement, MetaData, cast, func, select, update
from sqlalchemy.dialects.postgresql import UUID, array
from sqlalchemy.ext.asyncio import AsyncSession

from service.caller import Caller
from service.cases.models import Case, CaseStatus
from service.clients.access import client_for
from service.clients.erasure import ErasedRow, erase_client_rows
from service.clients.models import Client
from service.clients.privacy_models import ClientRestriction
from service.db.driver_rows import ReadStatement
from service.errors import InvalidTransition, required, too_long
from service.policy.actions import Action

REASON_LIMIT = 500


_ACTIVE = ClientRestriction.lifted_at.is_(None)
_RESTRICTED = ReadStatement(select(ClientRestriction.client_id).where(_ACTIVE))


def restricted_subjects_column() -> ColumnElement[list[uuid.UUID]]:
    """`restricted_subjects` as a column of another read (the user behind a token: one round
    trip for both, service/sign_in/users.py)."""
    ids = select(func.array_agg(ClientRestriction.client_id)).where(_ACTIVE).scalar_subquery()
    return func.coalesce(ids, cast(array([], type_=UUID(as_uuid=True)), ARRAY(UUID(as_uuid=True))))


async def restricted_subjects(session: AsyncSession) -> frozenset[uuid.UUID]:
    """Clients under an active restriction, as far as the request's scope can see."""
    rows = await _RESTRICTED.rows(session)
    return frozenset(client_id for (client_id,) in rows)


async def restrict(
    caller: Caller,
    *,
    client_id: uuid.UUID,
    reason: str,
) -> ClientRestriction:
    client, _ = await client_for(caller, client_id=client_id, action=Action.CLIENT_RESTRICT)
    if not reason.strip():
        raise required("reason")
    if len(reason) > REASON_LIMIT:
        raise too_long("reason", REASON_LIMIT)
    if await _active_restriction(caller.session, client.id) is not None:
        raise InvalidTransition("already restricted", "bereits gesperrt")
    restriction = ClientRestriction(
        tenant_id=client.tenant_id,
        client_id=client.id,
        reason=reason.strip(),
        restricted_by_id=caller.actor.user_id,
        restricted_at=caller.now,
    )
    caller.session.add(restriction)
    await caller.session.flush()
    return restriction


async def lift_restriction(
    caller: Caller,
    *,
    client_id: uuid.UUID,
) -> ClientRestriction:
    client, _ = await client_for(caller, client_id=client_id, action=Action.CLIENT_RESTRICT)
    restriction = await _active_restriction(caller.session, client.id)
    if restriction is None:
        raise InvalidTransition("not restricted", "nicht gesperrt")
    restriction.lifted_at, restriction.lifted_by_id = caller.now, caller.actor.user_id
    await caller.session.flush()
    return restriction


async def _active_restriction(session: AsyncSession, client_id: uuid.UUID):
    return await session.scalar(
        select(ClientRestriction).where(
            ClientRestriction.client_id == client_id, ClientRestriction.lifted_at.is_(None)
        )
    )


async def erase(
    caller: Caller,
    *,
    client_id: uuid.UUID,
    tables: MetaData,
) -> tuple[Client, list[ErasedRow]]:
    """Erase where the law allows: not while a case is open (the data is still needed for it).
    Every erasable column of the data map, in every table of `tables` with the client's data."""
    client, _ = await client_for(caller, client_id=client_id, action=Action.CLIENT_ERASE)
    if client.erased_at is not None:
        raise InvalidTransition("already erased", "bereits gelöscht")
    open_case = await caller.session.scalar(
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
    erased = await erase_client_rows(caller.session, client.id, tables=tables)
    await caller.session.execute(
        update(Client).where(Client.id == client.id).values(active=False, erased_at=caller.now)
    )
    await caller.session.refresh(client)
    return client, erased
