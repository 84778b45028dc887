"""Administration mutations (Stammdatenpflege): each unpacks its input, calls one service
function in a savepoint (service/schema/payloads.py: a refused change leaves nothing behind) and
returns the object or typed errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from service.admin import clients, network, staff
from service.schema.admin import inputs
from service.schema.admin.types import (
    ClientImportPayload,
    ClientPayload,
    NetworkMembershipPayload,
    StaffPayload,
    TeamPayload,
    client_payload,
    import_payload,
    staff_account,
    team_payload,
)
from service.schema.cases.resolving import caller_of, uuid_of
from service.schema.context import Info
from service.schema.partners.types import network_partner
from service.schema.payloads import UserError, attempt

T = TypeVar("T")


async def _run(info: Info, step: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    return await attempt(_in_savepoint(info, step))


async def _in_savepoint(info: Info, step: Callable[[], Awaitable[T]]) -> T:
    async with info.context.session.begin_nested():
        return await step()


def _given(value: Any, default: Any) -> Any:
    return default if value is strawberry.UNSET else value


@strawberry.type
class AdminMutation:
    @strawberry.mutation(
        description="Register a client (Stammdaten); CONFLICT if the number is taken."
    )
    async def register_client(self, info: Info, input: inputs.RegisterClientInput) -> ClientPayload:
        row, errors = await _run(
            info,
            lambda: clients.register_client(caller_of(info), fields=inputs.client_fields(input)),
        )
        return client_payload(row, errors)

    @strawberry.mutation(description="Correct a client's master data; left out: unchanged.")
    async def update_client(self, info: Info, input: inputs.UpdateClientInput) -> ClientPayload:
        row, errors = await _run(
            info,
            lambda: clients.update_client(
                caller_of(info),
                client_id=uuid_of(input.client_id, "client"),
                changes=inputs.client_fields(input),
            ),
        )
        return client_payload(row, errors)

    @strawberry.mutation(description="The jobcenter no longer serves the client; the row stays.")
    async def deactivate_client(self, info: Info, client_id: strawberry.ID) -> ClientPayload:
        row, errors = await _run(
            info,
            lambda: clients.deactivate_client(
                caller_of(info), client_id=uuid_of(client_id, "client")
            ),
        )
        return client_payload(row, errors)

    @strawberry.mutation(
        description="Import clients from a file (CSV with a header row, or JSON), all or "
        "nothing: one rejected row and none is stored; the rejections name row and column."
    )
    async def import_clients(
        self, info: Info, input: inputs.ImportClientsInput
    ) -> ClientImportPayload:
        report, errors = await _run(
            info,
            lambda: clients.import_clients_file(
                caller_of(info),
                content=input.content,
                file_format=input.format,
                base64_encoded=input.encoding is inputs.ImportEncoding.BASE64,
            ),
        )
        if report is None:
            return ClientImportPayload(imported=0, client_ids=[], rejected=[], errors=errors)
        return import_payload(report)

    @strawberry.mutation(description="Register a member of staff; CONFLICT if the login exists.")
    async def register_staff(self, info: Info, input: inputs.RegisterStaffInput) -> StaffPayload:
        row, errors = await _run(
            info,
            lambda: staff.register_staff(
                caller_of(info),
                subject=input.subject,
                display_name=input.display_name,
                roles=input.roles,
                team_id=None if input.team_id is None else uuid_of(input.team_id, "team"),
            ),
        )
        return StaffPayload(staff=staff_account(row) if row else None, errors=errors)

    @strawberry.mutation(description="Change a staff account: name, roles, team.")
    async def update_staff(self, info: Info, input: inputs.UpdateStaffInput) -> StaffPayload:
        team_id = input.team_id
        row, errors = await _run(
            info,
            lambda: staff.update_staff(
                caller_of(info),
                staff_id=uuid_of(input.staff_id, "staff member"),
                display_name=_given(input.display_name, staff.UNCHANGED),
                roles=_given(input.roles, staff.UNCHANGED) or [],
                team_id=staff.UNCHANGED
                if team_id is strawberry.UNSET
                else (None if team_id is None else uuid_of(team_id, "team")),
            ),
        )
        return StaffPayload(staff=staff_account(row) if row else None, errors=errors)

    @strawberry.mutation(description="A colleague leaves: their login is refused; the row stays.")
    async def deactivate_staff(self, info: Info, staff_id: strawberry.ID) -> StaffPayload:
        row, errors = await _run(
            info,
            lambda: staff.deactivate_staff(
                caller_of(info), staff_id=uuid_of(staff_id, "staff member")
            ),
        )
        return StaffPayload(staff=staff_account(row) if row else None, errors=errors)

    @strawberry.mutation(description="Create a team of the jobcenter.")
    async def create_team(self, info: Info, name: str) -> TeamPayload:
        row, errors = await _run(info, lambda: staff.create_team(caller_of(info), name=name))
        return team_payload(row, errors)

    @strawberry.mutation(description="Rename a team.")
    async def rename_team(self, info: Info, team_id: strawberry.ID, name: str) -> TeamPayload:
        row, errors = await _run(
            info,
            lambda: staff.rename_team(caller_of(info), team_id=uuid_of(team_id, "team"), name=name),
        )
        return team_payload(row, errors)

    @strawberry.mutation(description="Dissolve a team (no active members left); the row stays.")
    async def deactivate_team(self, info: Info, team_id: strawberry.ID) -> TeamPayload:
        row, errors = await _run(
            info, lambda: staff.deactivate_team(caller_of(info), team_id=uuid_of(team_id, "team"))
        )
        return team_payload(row, errors)

    @strawberry.mutation(description="Take a partner organisation into the jobcenter's network.")
    async def register_network_membership(
        self, info: Info, input: inputs.NetworkMembershipInput
    ) -> NetworkMembershipPayload:
        entry, errors = await _run(
            info,
            lambda: network.register_membership(
                caller_of(info),
                organisation_id=uuid_of(input.organisation_id, "organisation"),
                service_categories=input.service_categories,
                contact=input.contact,
                capacity_note=input.capacity_note,
            ),
        )
        return NetworkMembershipPayload(
            partner=network_partner(entry) if entry else None, errors=errors
        )

    @strawberry.mutation(description="Change a network membership: services, contact, capacity.")
    async def update_network_membership(
        self, info: Info, input: inputs.UpdateNetworkMembershipInput
    ) -> NetworkMembershipPayload:
        entry, errors = await _run(
            info,
            lambda: network.update_membership(
                caller_of(info),
                organisation_id=uuid_of(input.organisation_id, "organisation"),
                service_categories=_given(input.service_categories, network.UNCHANGED) or [],
                contact=_given(input.contact, network.UNCHANGED),
                capacity_note=_given(input.capacity_note, network.UNCHANGED),
            ),
        )
        return NetworkMembershipPayload(
            partner=network_partner(entry) if entry else None, errors=errors
        )

    @strawberry.mutation(description="End a network membership; referrals made stay readable.")
    async def deactivate_network_membership(
        self, info: Info, organisation_id: strawberry.ID
    ) -> NetworkMembershipPayload:
        entry, errors = await _run(
            info,
            lambda: network.deactivate_membership(
                caller_of(info), organisation_id=uuid_of(organisation_id, "organisation")
            ),
        )
        return NetworkMembershipPayload(
            partner=network_partner(entry) if entry else None, errors=errors
        )
