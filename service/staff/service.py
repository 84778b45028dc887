"""Facts about the jobcenter's staff that several domains ask: who is an active case manager
here (a case is handed to one, a deputy consent names one), who an active placement officer (a
closed case is handed back to one)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from service.caller import Caller
from service.errors import UserError
from service.identity.roles import Role
from service.staff.models import StaffUser

# One error code per role, wherever a person in that role is named.
_NOT_IN_ROLE: dict[Role, tuple[str, str, str]] = {
    Role.CASE_MANAGER: (
        "NOT_A_CASE_MANAGER",
        "not an active case manager of this jobcenter",
        "keine aktive Fachkraft im Fallmanagement dieses Jobcenters",
    ),
    Role.PLACEMENT_OFFICER: (
        "NOT_A_PLACEMENT_OFFICER",
        "not an active placement officer of this jobcenter",
        "keine aktive Fachkraft der Arbeitsvermittlung dieses Jobcenters",
    ),
}


async def active_staff(caller: Caller, staff_id: uuid.UUID, role: Role, *, field: str) -> StaffUser:
    """The staff member, if they are active in `role` in the caller's jobcenter (row-level
    security confines the lookup to it)."""
    staff = await caller.session.scalar(
        select(StaffUser).where(StaffUser.id == staff_id, StaffUser.active)
    )
    if staff is None or str(role) not in staff.roles:
        raise UserError(field, *_NOT_IN_ROLE[role])
    return staff


async def active_case_manager(caller: Caller, staff_id: uuid.UUID, *, field: str) -> StaffUser:
    return await active_staff(caller, staff_id, Role.CASE_MANAGER, field=field)
