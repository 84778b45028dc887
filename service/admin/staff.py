"""Staff accounts and teams of the jobcenter. A colleague who leaves is deactivated, never
deleted: cases, reviews and the audit name them. The roles recorded here are half of what a
token's roles count for (service/identity/actor.py): least privilege when the two disagree.

Staff and teams are no client's data, so the flush listener records none of these writes; the
client's Auskunft has nothing to say about them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from service.admin.directory import jobcenter
from service.caller import Caller
from service.cases.models import OPEN_STATUSES, Case
from service.errors import InvalidTransition, UserError, ValidationFailed, found, required, too_long
from service.identity.roles import STAFF_ROLES, Role
from service.policy.actions import Action
from service.staff.models import StaffUser, Team

SUBJECT_LIMIT, NAME_LIMIT, TEAM_NAME_LIMIT = 255, 200, 100
UNCHANGED = object()

SUBJECT_TAKEN = UserError(
    "subject",
    "CONFLICT",
    "a member of staff with this login is already registered",
    "eine Fachkraft mit dieser Anmeldung ist bereits erfasst",
)
TEAM_NAME_TAKEN = UserError(
    "name", "CONFLICT", "a team of this name exists", "ein Team dieses Namens besteht bereits"
)


async def register_staff(
    caller: Caller,
    *,
    subject: str,
    display_name: str,
    roles: Sequence[Role],
    team_id: uuid.UUID | None = None,
) -> StaffUser:
    caller.authorizer.authorize(caller.actor, Action.STAFF_MANAGE, jobcenter(caller))
    staff = StaffUser(
        tenant_id=caller.actor.tenant_id,
        id=uuid.uuid4(),
        subject=_subject(subject),
        display_name=_text(display_name, "displayName", NAME_LIMIT),
        roles=_roles(roles),
        team_id=await _team(caller, team_id),
        active=True,
    )
    await _flushed(caller, staff, "uq_staff_users_tenant_id_subject", SUBJECT_TAKEN)
    return staff


async def update_staff(
    caller: Caller,
    *,
    staff_id: uuid.UUID,
    display_name: object = UNCHANGED,
    roles: object = UNCHANGED,
    team_id: object = UNCHANGED,
) -> StaffUser:
    """Only what is given changes; `team_id=None` takes the colleague out of their team."""
    staff = await _staff_for(caller, staff_id)
    if display_name is not UNCHANGED:
        staff.display_name = _text(display_name, "displayName", NAME_LIMIT)
    if roles is not UNCHANGED:
        new_roles = _roles(roles)
        _not_oneself(caller, staff, "roles")
        if str(Role.CASE_MANAGER) in staff.roles and str(Role.CASE_MANAGER) not in new_roles:
            await _no_open_cases(caller, staff)
        staff.roles = new_roles
    if team_id is not UNCHANGED:
        staff.team_id = await _team(caller, team_id)
    await _flushed(caller, staff, "uq_staff_users_tenant_id_subject", SUBJECT_TAKEN)
    return staff


async def deactivate_staff(caller: Caller, *, staff_id: uuid.UUID) -> StaffUser:
    """Their login is refused from the next request on (service/identity/actor.py)."""
    staff = await _staff_for(caller, staff_id)
    _not_oneself(caller, staff, "staffId")
    if not staff.active:
        raise InvalidTransition("already inactive", "bereits inaktiv")
    await _no_open_cases(caller, staff)
    staff.active = False
    await caller.session.flush()
    return staff


async def create_team(caller: Caller, *, name: str) -> Team:
    caller.authorizer.authorize(caller.actor, Action.TEAM_MANAGE, jobcenter(caller))
    team = Team(
        tenant_id=caller.actor.tenant_id,
        id=uuid.uuid4(),
        name=_text(name, "name", TEAM_NAME_LIMIT),
        active=True,
    )
    await _flushed(caller, team, "uq_teams_tenant_id_name", TEAM_NAME_TAKEN)
    return team


async def rename_team(caller: Caller, *, team_id: uuid.UUID, name: str) -> Team:
    team = await _team_for(caller, team_id)
    team.name = _text(name, "name", TEAM_NAME_LIMIT)
    await _flushed(caller, team, "uq_teams_tenant_id_name", TEAM_NAME_TAKEN)
    return team


async def deactivate_team(caller: Caller, *, team_id: uuid.UUID) -> Team:
    """A dissolved team keeps its name for past indicators; nobody active may still be in it."""
    team = await _team_for(caller, team_id)
    if not team.active:
        raise InvalidTransition("already inactive", "bereits inaktiv")
    members = await caller.session.scalar(
        select(func.count()).where(StaffUser.team_id == team.id, StaffUser.active)
    )
    if members:
        raise InvalidTransition(
            "the team still has active members; move them first",
            "dem Team gehören noch aktive Fachkräfte an; sie werden zuerst umgesetzt",
        )
    team.active = False
    await caller.session.flush()
    return team


async def _staff_for(caller: Caller, staff_id: uuid.UUID) -> StaffUser:
    caller.authorizer.authorize(caller.actor, Action.STAFF_MANAGE, jobcenter(caller))
    return found(
        await caller.session.scalar(
            select(StaffUser).where(StaffUser.id == staff_id).with_for_update()
        )
    )


async def _team_for(caller: Caller, team_id: uuid.UUID) -> Team:
    caller.authorizer.authorize(caller.actor, Action.TEAM_MANAGE, jobcenter(caller))
    return found(
        await caller.session.scalar(select(Team).where(Team.id == team_id).with_for_update())
    )


async def _team(caller: Caller, team_id: object) -> uuid.UUID | None:
    if team_id is None:
        return None
    team = await caller.session.scalar(select(Team).where(Team.id == team_id, Team.active))
    if team is None:
        raise ValidationFailed("teamId", "no active team of the jobcenter", "kein aktives Team")
    return team.id


async def _no_open_cases(caller: Caller, staff: StaffUser) -> None:
    """Their clients would have nobody responsible: a team lead reassigns them first."""
    responsible = await caller.session.scalar(
        select(
            exists().where(
                Case.responsible_case_manager_id == staff.id, Case.status.in_(OPEN_STATUSES)
            )
        )
    )
    if responsible:
        raise InvalidTransition(
            "still responsible for open cases; a team lead reassigns them first",
            "noch für offene Fälle zuständig; die Teamleitung weist sie zuerst neu zu",
        )


def _not_oneself(caller: Caller, staff: StaffUser, field: str) -> None:
    """Nobody widens or ends their own access: another administrator does (four eyes)."""
    if staff.id == caller.actor.user_id:
        raise ValidationFailed(
            field,
            "not one's own account; another administrator changes it",
            "nicht das eigene Konto; das ändert eine andere Administratorin oder ein anderer"
            " Administrator",
        )


def _roles(roles: object) -> list[str]:
    chosen = sorted({str(Role(role)) for role in roles})  # type: ignore[union-attr]
    if not chosen:
        raise required("roles")
    if not set(chosen) <= {str(role) for role in STAFF_ROLES}:
        raise ValidationFailed("roles", "not a staff role", "keine Rolle für Fachkräfte")
    return chosen


def _subject(subject: str) -> str:
    value = _text(subject, "subject", SUBJECT_LIMIT)
    if any(character.isspace() for character in value):
        raise ValidationFailed("subject", "no spaces", "keine Leerzeichen")
    return value


def _text(value: object, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if not text:
        raise required(field)
    if len(text) > limit:
        raise too_long(field, limit)
    return text


async def _flushed(caller: Caller, row: object, constraint: str, taken: UserError) -> None:
    try:
        async with caller.session.begin_nested():
            caller.session.add(row)
            await caller.session.flush()
    except IntegrityError as error:
        if constraint in str(error.orig):
            raise taken from None
        raise
