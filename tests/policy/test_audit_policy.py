"""The audit chain's policy as a table (policies.polar, "The audit chain"): only the
jobcenter's data-protection officer has its chain verified; no other staff role, partner or
client does."""

from __future__ import annotations

import uuid

import pytest

from service.audit.verification import AUDIT_CHAIN
from service.identity.actor import Actor
from service.identity.roles import ActorKind, Role
from service.policy.actions import Action
from service.policy.authorizer import Authorizer

TENANT = uuid.uuid4()


def _staff(role: Role) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        user_id=uuid.uuid4(),
        subject=str(role),
        display_name="Test",
        roles=frozenset({role}),
        tenant_id=TENANT,
    )


PARTNER = Actor(
    kind=ActorKind.PARTNER,
    user_id=uuid.uuid4(),
    subject="berater",
    display_name="Test",
    roles=frozenset({Role.PARTNER_COUNSELLOR}),
    organisation_id=uuid.uuid4(),
)
CLIENT = Actor(
    kind=ActorKind.CLIENT,
    user_id=uuid.uuid4(),
    subject="kunde",
    display_name="Test",
    roles=frozenset({Role.CLIENT}),
    tenant_id=TENANT,
)

VERIFY_TABLE = [
    # actor,                                  allowed
    (_staff(Role.DATA_PROTECTION_OFFICER), True),
    (_staff(Role.CASE_MANAGER), False),
    (_staff(Role.TEAM_LEAD), False),
    (_staff(Role.PLACEMENT_OFFICER), False),
    (_staff(Role.CONTROLLING), False),
    (_staff(Role.JOBCENTER_ADMIN), False),
    (PARTNER, False),
    (CLIENT, False),
]


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


@pytest.mark.parametrize(("actor", "allowed"), VERIFY_TABLE)
def test_audit_verify_row(authorizer, actor, allowed):
    assert authorizer.is_allowed(actor, Action.AUDIT_VERIFY, AUDIT_CHAIN) is allowed
