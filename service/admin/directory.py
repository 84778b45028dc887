"""The jobcenter's directory: finding a client by customer number or name, and the case managers
a client can be proposed to (domain/000: Fallzugang über die Arbeitsvermittlung). Without it a
placement officer could not name whom to propose, or to whom.

A client found here is read under the directory's Access (flag `client_directory`), which the
policy lets open who the client is and, for the administration, their contact and household;
it opens nothing anywhere else in the API.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import and_, any_, func, or_, select, tuple_

from service.caller import Caller
from service.clients.models import Client
from service.errors import ValidationFailed
from service.identity.roles import ActorKind, Role
from service.paging import decode_cursor
from service.policy.actions import Action
from service.policy.facts import NO_ACCESS, Access, ObjectFlag, Relation
from service.staff.models import StaffUser

DIRECTORY_ACCESS = Access(
    relations=frozenset({Relation.SAME_JOBCENTER}),
    flags=frozenset({ObjectFlag.CLIENT_DIRECTORY}),
)
JOBCENTER = Access(relations=frozenset({Relation.SAME_JOBCENTER}))
SEARCH_MIN, SEARCH_MAX = 2, 100


def directory_access(caller: Caller) -> Access:
    return DIRECTORY_ACCESS if caller.actor.kind is ActorKind.STAFF else NO_ACCESS


def jobcenter(caller: Caller) -> Access:
    return JOBCENTER if caller.actor.kind is ActorKind.STAFF else NO_ACCESS


async def search_clients(
    caller: Caller, *, text: str, size: int, after: str | None
) -> tuple[Sequence[Client], Access]:
    """Active clients whose customer number is `text`, or whose names begin with each of its
    words ("mod mich" finds Michael Modemann); up to size + 1 rows, oldest first."""
    caller.authorizer.authorize(caller.actor, Action.CLIENT_SEARCH, jobcenter(caller))
    text = " ".join(text.split())
    if not SEARCH_MIN <= len(text) <= SEARCH_MAX:
        raise ValidationFailed(
            "text",
            f"between {SEARCH_MIN} and {SEARCH_MAX} characters",
            f"zwischen {SEARCH_MIN} und {SEARCH_MAX} Zeichen",
        )
    words = [_escaped(word) + "%" for word in text.split(" ")]
    by_name = and_(
        *(
            or_(Client.family_name.ilike(w, escape="\\"), Client.given_name.ilike(w, escape="\\"))
            for w in words
        )
    )
    query = (
        select(Client)
        .where(Client.active, or_(func.lower(Client.customer_number) == text.lower(), by_name))
        .order_by(Client.created_at, Client.id)
        .limit(size + 1)
    )
    position = decode_cursor(after)
    if position is not None:
        query = query.where(tuple_(Client.created_at, Client.id) > position)
    return (await caller.session.scalars(query)).all(), directory_access(caller)


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def case_managers(caller: Caller, *, team_id: uuid.UUID | None) -> Sequence[StaffUser]:
    """The jobcenter's active case managers (of one team, if given), by name."""
    caller.authorizer.authorize(caller.actor, Action.CASE_MANAGERS_READ, jobcenter(caller))
    query = (
        select(StaffUser)
        .where(StaffUser.active, any_(StaffUser.roles) == str(Role.CASE_MANAGER))
        .order_by(StaffUser.display_name, StaffUser.id)
    )
    if team_id is not None:
        query = query.where(StaffUser.team_id == team_id)
    return (await caller.session.scalars(query)).all()
