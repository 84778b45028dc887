"""Facts about the jobcenter's staff that several domains ask: who is an active case manager
here (a case is handed to one, a deputy consent names one)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from service.caller import Caller
from service.errors import UserError
from service.identity.roles import Role
from service.staff.models import StaffUser


def not_a_case_manager(field: str) -> UserError:
    return UserError(
        field,
        "NOT_A_CASE_MANAGER",
        "not an active case manager of this jobcenter",
        "keine aktive Fachkraft im Fallmanagement dieses Jobcenters",
    )


async def active_case_manager(caller: Caller, staff_id: uuid.UUID, *, field: str) -> StaffUser:
    """The staff member, if they are an active case manager of the caller's jobcenter (row-level
    security confines the lookup to it); one error code wherever one is named."""
    staff = await caller.session.scalar(
        select(StaffUser).where(StaffUser.id == staff_id, StaffUser.active)
    )
    if staff is None or str(Role.CASE_MANAGER) not in staff.roles:
        raise not_a_case_manager(field)
    return staff
