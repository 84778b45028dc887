"""Actors for the policy tables: what the policy sees of a signed-in user, without a database."""

from __future__ import annotations

import uuid

from service.identity.actor import Actor
from service.identity.roles import ActorKind, Role


def policy_actor(
    kind: ActorKind, *roles: Role, tenant_id: uuid.UUID, user_id: uuid.UUID | None = None
) -> Actor:
    """Staff and clients of `tenant_id`; a partner of an organisation of its own, in none."""
    return Actor(
        kind=kind,
        user_id=user_id or uuid.uuid4(),
        subject="someone",
        display_name="someone",
        roles=frozenset(roles),
        tenant_id=None if kind is ActorKind.PARTNER else tenant_id,
        organisation_id=uuid.uuid4() if kind is ActorKind.PARTNER else None,
    )
