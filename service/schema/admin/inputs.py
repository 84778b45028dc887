"""Inputs of the administration. Fields left out of an update stay as they are; a field given as
null is cleared (where it may be empty)."""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Any

import strawberry

from service.admin.client_fields import FIELDS
from service.admin.imports import ImportFormat as ImportFormatEnum
from service.schema.identity.types import Role
from service.schema.partners.types import ServiceCategory

ImportFormat = strawberry.enum(ImportFormatEnum, name="ImportFormat")


@strawberry.enum(description="How the file's content is carried in the request.")
class ImportEncoding(Enum):
    TEXT = "text"  # the file's text as it is (UTF-8)
    BASE64 = "base64"  # the file's bytes, base64-encoded (any line endings, a BOM)


@strawberry.input(description="A client's master data (Stammdaten).")
class RegisterClientInput:
    customer_number: str = strawberry.field(description="Kundennummer; unique in the jobcenter.")
    household_community_number: str | None = strawberry.field(
        default=None, description="Nummer der Bedarfsgemeinschaft (BG-Nummer)."
    )
    given_name: str
    family_name: str
    date_of_birth: datetime.date | None = None
    street: str | None = None
    postal_code: str | None = strawberry.field(default=None, description="Five digits.")
    city: str | None = None
    phone: str | None = None
    email: str | None = None
    household_size: int | None = strawberry.field(
        default=None, description="People in the Bedarfsgemeinschaft (1–30)."
    )
    children_in_household: int | None = None


@strawberry.input(description="Changes to a client's master data; left out: unchanged.")
class UpdateClientInput:
    client_id: strawberry.ID
    customer_number: str | None = strawberry.UNSET
    household_community_number: str | None = strawberry.UNSET
    given_name: str | None = strawberry.UNSET
    family_name: str | None = strawberry.UNSET
    date_of_birth: datetime.date | None = strawberry.UNSET
    street: str | None = strawberry.UNSET
    postal_code: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    household_size: int | None = strawberry.UNSET
    children_in_household: int | None = strawberry.UNSET


def client_fields(given: Any) -> dict[str, Any]:
    """The master-data fields an input carries (an update: only those given)."""
    return {
        name: getattr(given, name)
        for name in FIELDS
        if getattr(given, name, strawberry.UNSET) is not strawberry.UNSET
    }


@strawberry.input(description="A member of staff: their login (the identity provider's sub).")
class RegisterStaffInput:
    subject: str
    display_name: str
    roles: list[Role]
    team_id: strawberry.ID | None = None


@strawberry.input(description="Changes to a staff account; left out: unchanged.")
class UpdateStaffInput:
    staff_id: strawberry.ID
    display_name: str | None = strawberry.UNSET
    roles: list[Role] | None = strawberry.UNSET
    team_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="null: out of any team."
    )


@strawberry.input(description="A partner organisation in the jobcenter's network.")
class NetworkMembershipInput:
    organisation_id: strawberry.ID
    service_categories: list[ServiceCategory]
    contact: str | None = None
    capacity_note: str | None = None


@strawberry.input(description="Changes to a network membership; left out: unchanged.")
class UpdateNetworkMembershipInput:
    organisation_id: strawberry.ID
    service_categories: list[ServiceCategory] | None = strawberry.UNSET
    contact: str | None = strawberry.UNSET
    capacity_note: str | None = strawberry.UNSET


@strawberry.input(description="A file of clients to import, all or nothing.")
class ImportClientsInput:
    content: str = strawberry.field(description="The file: its text, or base64 of its bytes.")
    format: ImportFormat = strawberry.field(description="CSV with a header row, or JSON.")
    encoding: ImportEncoding = ImportEncoding.TEXT
