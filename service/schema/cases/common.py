"""Small pieces the case types share: staff as colleagues see them, and building guard tags."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry

from service.cases.models import Case
from service.policy.categories import DataCategory
from service.policy.facts import Access
from service.policy.guard import GuardTag, public_type
from service.schema.context import Info
from service.staff.models import StaffUser


@public_type(
    "a jobcenter employee as colleagues see them; no client's personal data",
    name="StaffMember",
    description="Eine Fachkraft des Jobcenters.",
)
class StaffMember:
    id: strawberry.ID
    display_name: str


def staff_member(row: StaffUser | None) -> StaffMember | None:
    if row is None:
        return None
    return StaffMember(id=strawberry.ID(str(row.id)), display_name=row.display_name)


def tag(
    case: Case,
    access: Access,
    object_type: str,
    object_id: uuid.UUID,
    category: DataCategory | None = None,
) -> GuardTag:
    """A guard tag for something on `case`: the client is the data subject; the access is the
    case's, inherited by everything below it."""
    return GuardTag(
        tenant_id=case.tenant_id,
        subject_id=case.client_id,
        object_type=object_type,
        object_id=object_id,
        access=access,
        category=category,
    )


def today(info: Info) -> date:
    """The request's calendar day in the jobcenter (from the request's one instant)."""
    return info.context.today
