"""The client (data subject) as the API shows them: every field under its data category."""

from __future__ import annotations

import datetime

import strawberry

from service.clients.models import Client
from service.policy.categories import DataCategory
from service.policy.facts import Access
from service.policy.guard import GuardTag, personal_field, personal_type


@personal_type(name="Client", description="A client (Kundin/Kunde, eLb) of a jobcenter.")
class ClientNode:
    guard: strawberry.Private[GuardTag]
    row: strawberry.Private[Client]

    @strawberry.field(description="Opaque id; not personal data by itself.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @personal_field(DataCategory.IDENTITY, description="Kundennummer.")
    def customer_number(self) -> str | None:
        return self.row.customer_number

    @personal_field(DataCategory.IDENTITY)
    def given_name(self) -> str | None:
        return self.row.given_name

    @personal_field(DataCategory.IDENTITY)
    def family_name(self) -> str | None:
        return self.row.family_name

    @personal_field(DataCategory.IDENTITY)
    def date_of_birth(self) -> datetime.date | None:
        return self.row.date_of_birth

    @personal_field(DataCategory.CONTACT)
    def street(self) -> str | None:
        return self.row.street

    @personal_field(DataCategory.CONTACT)
    def postal_code(self) -> str | None:
        return self.row.postal_code

    @personal_field(DataCategory.CONTACT)
    def city(self) -> str | None:
        return self.row.city

    @personal_field(DataCategory.CONTACT)
    def phone(self) -> str | None:
        return self.row.phone

    @personal_field(DataCategory.CONTACT)
    def email(self) -> str | None:
        return self.row.email

    @personal_field(
        DataCategory.HOUSEHOLD, description="Nummer der Bedarfsgemeinschaft (BG-Nummer)."
    )
    def household_community_number(self) -> str | None:
        return self.row.household_community_number

    @personal_field(DataCategory.HOUSEHOLD, description="People in the Bedarfsgemeinschaft.")
    def household_size(self) -> int | None:
        return self.row.household_size

    @personal_field(DataCategory.HOUSEHOLD)
    def children_in_household(self) -> int | None:
        return self.row.children_in_household


def client_node(row: Client, access: Access) -> ClientNode:
    """The client as seen by an actor standing in `access` to their data."""
    return ClientNode(
        guard=GuardTag(
            tenant_id=row.tenant_id,
            subject_id=row.id,
            object_type="client",
            object_id=row.id,
            access=access,
        ),
        row=row,
    )
