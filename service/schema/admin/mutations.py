"""Administration mutations (Stammdatenpflege): each unpacks its input, calls one service
function in a savepoint (service/schema/payloads.py: a refused change leaves nothing behind) and
returns the object or typed errors."""

from __future__ import annotations

from typing import Any

import strawberry

from service.admin import clients, network, staff
from service.ids import parse_id
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
from service.schema.context import Info
from service.schema.partners.types import network_partner
from service.schema.payloads import run_change


def _given(value: Any, default: Any) -> Any:
    return default if value is strawberry.UNSET else value


@strawberry.type
class AdminMutation:
    @strawberry.mutation(
        description="Register a client (Stammdaten); CONFLICT if the number is taken."
    )
    async def register_client(self, info: Info, input: inputs.RegisterClientInput) -> ClientPayload:
        row, errors = await run_change(
            info,
            lambda caller: clients.register_client(caller, fields=inputs.client_fields(input)),
        )
        return client_payload(row, errors)

    @strawberry.mutation(description="Correct a client's master data; left out: unchanged.")
    async def update_client(self, info: Info, input: inputs.UpdateClientInput) -> ClientPayload:
        row, errors = await run_change(
            info,
            lambda caller: clients.update_client(
                caller,
                client_id=parse_id(input.client_id, "client"),
                changes=inputs.client_fields(input),
            ),
        )
        return client_payload(row, errors)

    @strawberry.mutation(description="The jobcenter no longer serves the client; the row stays.")
    async def deactivate_client(self, info: Info, client_id: strawberry.ID) -> ClientPayload:
        row, errors = await run_change(
            info,
            lambda caller: clients.deactivate_client(
                caller, client_id=parse_id(client_id, "client")
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
        report, errors = await run_change(
            info,
            lambda caller: clients.import_clients_file(
                caller,
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
        row, errors = await run_change(
            info,
            lambda caller: staff.register_staff(
                caller,
                subject=input.subject,
                display_name=input.display_name,
                roles=input.roles,
                team_id=None if input.team_id is None else parse_id(input.team_id, "team"),
            ),
        )
        return StaffPayload(staff=staff_account(row) if row else None, errors=errors)

    @strawberry.mutation(description="Change a staff account: name, roles, team.")
    async def update_staff(self, info: Info, input: inputs.UpdateStaffInput) -> StaffPayload:
        team_id = input.team_id
        row, errors = await run_change(
            info,
            lambda caller: staff.update_staff(
                caller,
                staff_id=parse_id(input.staff_id, "staff member"),
                display_name=_given(input.display_name, staff.UNCHANGED),
                roles=_given(input.roles, staff.UNCHANGED) or [],
                team_id=staff.UNCHANGED
                if team_id is strawberry.UNSET
                else (None if team_id is None else parse_id(team_id, "team")),
            ),
        )
        return StaffPayload(staff=staff_account(row) if row else None, errors=errors)

    @strawberry.mutation(description="A colleague leaves: their login is refused; the row stays.")
    async def deactivate_staff(self, info: Info, staff_id: strawberry.ID) -> StaffPayload:
        row, errors = await run_change(
            info,
            lambda caller: staff.deactivate_staff(
                caller, staff_id=parse_id(staff_id, "staff member")
            ),
        )
        return StaffPayload(staff=staff_account(row) if row else None, errors=errors)

    @strawberry.mutation(description="Create a team of the jobcenter.")
    async def create_team(self, info: Info, name: str) -> TeamPayload:
        row, errors = await run_change(info, lambda caller: staff.create_team(caller, name=name))
        return team_payload(row, errors)

    @strawberry.mutation(description="Rename a team.")
    async def rename_team(self, info: Info, team_id: strawberry.ID, name: str) -> TeamPayload:
        row, errors = await run_change(
            info,
            lambda caller: staff.rename_team(caller, team_id=parse_id(team_id, "team"), name=name),
        )
        return team_payload(row, errors)

    @strawberry.mutation(description="Dissolve a team (no active members left); the row stays.")
    async def deactivate_team(self, info: Info, team_id: strawberry.ID) -> TeamPayload:
        row, errors = await run_change(
            info, lambda caller: staff.deactivate_team(caller, team_id=parse_id(team_id, "team"))
        )
        return team_payload(row, errors)

    @strawberry.mutation(description="Take a partner organisation into the jobcenter's network.")
    async def register_network_membership(
        self, info: Info, input: inputs.NetworkMembershipInput
    ) -> NetworkMembershipPayload:
        entry, errors = await run_change(
            info,
            lambda caller: network.register_membership(
                caller,
                organisation_id=parse_id(input.organisation_id, "organisation"),
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
        entry, errors = await run_change(
            info,
            lambda caller: network.update_membership(
                caller,
                organisation_id=parse_id(input.organisation_id, "organisation"),
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
        entry, errors = await run_change(
            info,
            lambda caller: network.deactivate_membership(
                caller, organisation_id=parse_id(organisation_id, "organisation")
            ),
        )
        return NetworkMembershipPayload(
            partner=network_partner(entry) if entry else None, errors=errors
        )
