"""What the administration's mutations return: the changed object, or typed errors. A client
comes back as the guarded Client type (service/schema/clients/types.py), read under the
directory's Access, so every field is authorized and its read recorded."""

from __future__ import annotations

import strawberry

from service.admin.directory import DIRECTORY_ACCESS
from service.admin.imports import ImportReport
from service.clients.models import Client
from service.policy.guard import public_type
from service.schema.clients.types import ClientNode, client_node
from service.schema.identity.types import Role
from service.schema.indicators.types import TeamNode
from service.schema.partners.types import NetworkPartner
from service.schema.payloads import UserError
from service.staff.models import StaffUser, Team


@public_type("a wrapper around a Client, which is guarded itself", name="ClientPayload")
class ClientPayload:
    client: ClientNode | None
    active: bool | None = strawberry.field(
        description="Whether the jobcenter still serves the client; deactivated rows stay."
    )
    errors: list[UserError]


def client_payload(row: Client | None, errors: list[UserError]) -> ClientPayload:
    if row is None:
        return ClientPayload(client=None, active=None, errors=errors)
    return ClientPayload(client=client_node(row, DIRECTORY_ACCESS), active=row.active, errors=[])


@public_type(
    "a jobcenter employee's account as the administration keeps it; no client's data",
    name="StaffAccount",
)
class StaffAccount:
    id: strawberry.ID
    subject: str
    display_name: str
    roles: list[Role]
    team_id: strawberry.ID | None
    active: bool


def staff_account(row: StaffUser) -> StaffAccount:
    return StaffAccount(
        id=strawberry.ID(str(row.id)),
        subject=row.subject,
        display_name=row.display_name,
        roles=[Role(role) for role in row.roles],
        team_id=strawberry.ID(str(row.team_id)) if row.team_id else None,
        active=row.active,
    )


@public_type("a staff account or errors; no client's data", name="StaffPayload")
class StaffPayload:
    staff: StaffAccount | None
    errors: list[UserError]


@public_type("a team or errors; no person's data", name="TeamPayload")
class TeamPayload:
    team: TeamNode | None
    active: bool | None
    errors: list[UserError]


def team_payload(row: Team | None, errors: list[UserError]) -> TeamPayload:
    if row is None:
        return TeamPayload(team=None, active=None, errors=errors)
    return TeamPayload(
        team=TeamNode(id=strawberry.ID(str(row.id)), name=row.name), active=row.active, errors=[]
    )


@public_type("a network membership or errors; no client's data", name="NetworkMembershipPayload")
class NetworkMembershipPayload:
    partner: NetworkPartner | None
    errors: list[UserError]


@public_type(
    "where a row of an import file is wrong: row, column and a message, never the value",
    name="ImportRejection",
)
class ImportRejection:
    row: int = strawberry.field(description="CSV: the header is row 1. JSON: the n-th object.")
    field: str | None = strawberry.field(description="The column (snake_case, as in the file).")
    code: str
    message: str
    message_de: str


@public_type("counts and rejections of an import; no client's data", name="ClientImportPayload")
class ClientImportPayload:
    imported: int = strawberry.field(description="Clients stored: all of the file, or none.")
    client_ids: list[strawberry.ID]
    rejected: list[ImportRejection] = strawberry.field(
        description="Every row that is wrong; if any, nothing was stored."
    )
    errors: list[UserError]


def import_payload(report: ImportReport) -> ClientImportPayload:
    return ClientImportPayload(
        imported=report.imported,
        client_ids=[strawberry.ID(str(client_id)) for client_id in report.client_ids],
        rejected=[
            ImportRejection(
                row=rejected.row,
                field=rejected.field,
                code=rejected.code,
                message=rejected.message,
                message_de=rejected.message_de,
            )
            for rejected in report.rejected
        ],
        errors=[],
    )
