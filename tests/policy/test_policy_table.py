"""The policy as a table: actor × action × resource → allowed. A change to policies.polar shows
up as a changed row here (STYLE.md habit 3). Later domains add their rows."""

from __future__ import annotations

import uuid

import pytest

from service.errors import Forbidden
from service.identity.actor import Actor
from service.identity.roles import ActorKind, Role
from service.policy.actions import Action
from service.policy.authorizer import Authorizer

TENANT = uuid.uuid4()
ORGANISATION = uuid.uuid4()


def _actor(kind: ActorKind, *roles: Role, subject: str) -> Actor:
    return Actor(
        kind=kind,
        user_id=uuid.uuid5(TENANT, subject),
        subject=subject,
        display_name=subject,
        roles=frozenset(roles),
        tenant_id=None if kind is ActorKind.PARTNER else TENANT,
        organisation_id=ORGANISATION if kind is ActorKind.PARTNER else None,
    )


CASE_MANAGER = _actor(ActorKind.STAFF, Role.CASE_MANAGER, subject="fm")
COLLEAGUE = _actor(ActorKind.STAFF, Role.CASE_MANAGER, subject="fm2")
COUNSELLOR = _actor(ActorKind.PARTNER, Role.PARTNER_COUNSELLOR, subject="sb")
CLIENT = _actor(ActorKind.CLIENT, Role.CLIENT, subject="kunde")
NO_ROLES = _actor(ActorKind.STAFF, subject="nobody")

TABLE = [
    # actor,        action,                 resource,   allowed
    (CASE_MANAGER, Action.READ_IDENTITY, CASE_MANAGER, True),
    (COUNSELLOR, Action.READ_IDENTITY, COUNSELLOR, True),
    (CLIENT, Action.READ_IDENTITY, CLIENT, True),
    (NO_ROLES, Action.READ_IDENTITY, NO_ROLES, True),
    (CASE_MANAGER, Action.READ_IDENTITY, COLLEAGUE, False),
    (COUNSELLOR, Action.READ_IDENTITY, CLIENT, False),
    (CLIENT, Action.READ_IDENTITY, CASE_MANAGER, False),
]


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


@pytest.mark.parametrize(("actor", "action", "resource", "allowed"), TABLE)
def test_policy_row(authorizer, actor, action, resource, allowed):
    assert authorizer.is_allowed(actor, action, resource) is allowed


def test_authorize_raises_forbidden_without_saying_more(authorizer):
    with pytest.raises(Forbidden) as refused:
        authorizer.authorize(CLIENT, Action.READ_IDENTITY, CASE_MANAGER)

    assert (refused.value.code, refused.value.message) == ("FORBIDDEN", "not allowed")
