"""Registering, correcting and deactivating clients (Stammdaten). Deactivation, never deletion:
the client's cases, consents and audit trail go on naming the row, and erasure (Art. 17 GDPR)
is the data-protection officer's, under its own rules (service/clients/privacy.py).

Every write here passes the flush listener (service/audit/writes.py): recorded field by field
as the client's data, and refused while the client's processing is restricted.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from service.admin.client_fields import checked
from service.admin.directory import directory_access, jobcenter
from service.admin.imports import ImportFormat, ImportReport, RejectedRow, import_clients
from service.caller import Caller
from service.cases.models import OPEN_STATUSES, Case
from service.clients.models import Client
from service.errors import InvalidTransition, UserError, found
from service.policy.actions import Action

CUSTOMER_NUMBER_TAKEN = UserError(
    "customerNumber",
    "CONFLICT",
    "this customer number is already registered in the jobcenter",
    "diese Kundennummer ist im Jobcenter bereits vergeben",
)


async def register_client(caller: Caller, *, fields: Mapping[str, Any]) -> Client:
    caller.authorizer.authorize(caller.actor, Action.CLIENT_REGISTER, jobcenter(caller))
    values, problems = checked(fields, today=caller.today, complete=True)
    if problems:
        raise problems[0].as_error()
    if await number_taken(caller, values["customer_number"]):
        raise CUSTOMER_NUMBER_TAKEN
    client = Client(tenant_id=caller.actor.tenant_id, id=uuid.uuid4(), active=True, **values)
    await _flushed(caller, client)
    return client


async def update_client(
    caller: Caller, *, client_id: uuid.UUID, changes: Mapping[str, Any]
) -> Client:
    """Only the fields in `changes` change; a field given as None is cleared (unless required)."""
    client = await _client_for(caller, client_id, Action.CLIENT_UPDATE)
    if client.erased_at is not None:
        raise InvalidTransition(
            "the client's data was erased; it is not entered again",
            "die Daten der Person wurden gelöscht; sie werden nicht neu erfasst",
        )
    values, problems = checked(changes, today=caller.today, complete=False)
    if problems:
        raise problems[0].as_error()
    number = values.get("customer_number")
    if (
        number is not None
        and number != client.customer_number
        and await number_taken(caller, number)
    ):
        raise CUSTOMER_NUMBER_TAKEN
    for name, value in values.items():
        setattr(client, name, value)
    await _flushed(caller, client)
    return client


async def deactivate_client(caller: Caller, *, client_id: uuid.UUID) -> Client:
    """The client is no longer served (moved away, no longer entitled): not found for proposing,
    their login refused; the row and its history stay. Not while a case is open: its case
    manager closes it first (domain/001: Fallabgang with its reason)."""
    client = await _client_for(caller, client_id, Action.CLIENT_DEACTIVATE)
    if not client.active:
        raise InvalidTransition("the client is already inactive", "die Person ist bereits inaktiv")
    open_case = await caller.session.scalar(
        select(exists().where(Case.client_id == client.id, Case.status.in_(OPEN_STATUSES)))
    )
    if open_case:
        raise InvalidTransition(
            "the client has an open case; it is closed first",
            "für die Person ist ein Fall offen; er wird zuerst abgeschlossen",
        )
    client.active = False
    await _flushed(caller, client)
    return client


async def number_taken(caller: Caller, customer_number: str) -> bool:
    """Also by a deactivated client: a customer number names one person for good."""
    return bool(
        await caller.session.scalar(
            select(
                exists().where(
                    Client.tenant_id == caller.actor.tenant_id,
                    Client.customer_number == customer_number,
                )
            )
        )
    )


async def _client_for(caller: Caller, client_id: uuid.UUID, action: Action) -> Client:
    # The jobcenter named: on Citus a row is locked only by a query routed to one shard, and
    # row-level security's tenant does not route (docs/scale-out.md, item 6).
    query = select(Client).where(Client.tenant_id == caller.actor.tenant_id, Client.id == client_id)
    client = found(await caller.session.scalar(query.with_for_update()))
    caller.authorizer.authorize_seen(
        caller.actor, action, directory_access(caller), seen=Action.CLIENT_READ
    )
    return client


async def _flushed(caller: Caller, client: Client) -> None:
    """The unique key decides under concurrency too: two registrations of one number at once
    are one CONFLICT, not a fault."""
    try:
        async with caller.session.begin_nested():
            caller.session.add(client)
            await caller.session.flush()
    except IntegrityError as error:
        if "customer_number" in str(error.orig):
            raise CUSTOMER_NUMBER_TAKEN from None
        raise


async def import_clients_file(
    caller: Caller, *, content: str, file_format: ImportFormat, base64_encoded: bool
) -> ImportReport:
    """The bulk import through the API, as the administration (policies.polar)."""
    caller.authorizer.authorize(caller.actor, Action.CLIENT_REGISTER, jobcenter(caller))
    data: bytes | str = content
    if base64_encoded:
        try:
            data = base64.b64decode(content, validate=True)
        except binascii.Error:
            return ImportReport(
                rejected=[RejectedRow(1, None, "VALIDATION", "not base64", "nicht Base64-kodiert")]
            )
    return await import_clients(caller, content=data, file_format=file_format)
