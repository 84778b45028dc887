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
from service.policy.facts import Access, ObjectFlag

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
DPO = _actor(ActorKind.STAFF, Role.DATA_PROTECTION_OFFICER, subject="dsb")


def _written(*flags: ObjectFlag) -> Access:
    """A stored change as the flush-time check puts it (service/audit/writes.py)."""
    return Access(frozenset(), flags=frozenset(flags))


UNRESTRICTED = _written()
RESTRICTED = _written(ObjectFlag.RESTRICTED)
WITHDRAWAL_RESTRICTED = _written(ObjectFlag.RESTRICTED, ObjectFlag.CONSENT_WITHDRAWAL)

TABLE = [
    # actor,        action,                 resource,   allowed
    (CASE_MANAGER, Action.READ_IDENTITY, CASE_MANAGER, True),
    (COUNSELLOR, Action.READ_IDENTITY, COUNSELLOR, True),
    (CLIENT, Action.READ_IDENTITY, CLIENT, True),
    (NO_ROLES, Action.READ_IDENTITY, NO_ROLES, True),
    (CASE_MANAGER, Action.READ_IDENTITY, COLLEAGUE, False),
    (COUNSELLOR, Action.READ_IDENTITY, CLIENT, False),
    (CLIENT, Action.READ_IDENTITY, CASE_MANAGER, False),
    # --- writes under restriction (Art. 18 GDPR): only the data-protection officer, and the
    # withdrawal of a consent (Art. 7(3) GDPR) by whoever may revoke it. Asked at the flush,
    # after the action's own rule (case:work, referral:report, …) allowed the change itself.
    (CASE_MANAGER, Action.CLIENT_DATA_WRITE, UNRESTRICTED, True),
    (COUNSELLOR, Action.CLIENT_DATA_WRITE, UNRESTRICTED, True),
    (CASE_MANAGER, Action.CLIENT_DATA_WRITE, RESTRICTED, False),
    (COUNSELLOR, Action.CLIENT_DATA_WRITE, RESTRICTED, False),
    (CLIENT, Action.CLIENT_DATA_WRITE, RESTRICTED, False),
    (DPO, Action.CLIENT_DATA_WRITE, RESTRICTED, True),
    (CASE_MANAGER, Action.CLIENT_DATA_WRITE, WITHDRAWAL_RESTRICTED, True),
    (CLIENT, Action.CLIENT_DATA_WRITE, WITHDRAWAL_RESTRICTED, True),
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
