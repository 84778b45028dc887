"""Who may have a client's Auskunft, as a table: actor × what they are to the client → may
read the report (object) and its fields (category access_report). A change in policies.polar
shows up as a changed row (STYLE.md habit 3)."""

from __future__ import annotations

import uuid

import pytest

from service.clients.access import standing
from service.identity.actor import Actor
from service.identity.roles import ActorKind, Role
from service.policy.actions import Action
from service.policy.authorizer import Authorizer
from service.policy.categories import DataCategory
from service.policy.facts import Access, Relation
from tests.policy.actors import policy_actor

TENANT = uuid.uuid4()
CLIENT_ID = uuid.uuid4()


def _actor(kind: ActorKind, *roles: Role, user_id: uuid.UUID | None = None) -> Actor:
    return policy_actor(kind, *roles, tenant_id=TENANT, user_id=user_id)


DPO = _actor(ActorKind.STAFF, Role.DATA_PROTECTION_OFFICER)
CASE_MANAGER = _actor(ActorKind.STAFF, Role.CASE_MANAGER)
TEAM_LEAD = _actor(ActorKind.STAFF, Role.TEAM_LEAD)
CONTROLLING = _actor(ActorKind.STAFF, Role.CONTROLLING)
COUNSELLOR = _actor(ActorKind.PARTNER, Role.PARTNER_COUNSELLOR)
THE_CLIENT = _actor(ActorKind.CLIENT, Role.CLIENT, user_id=CLIENT_ID)
OTHER_CLIENT = _actor(ActorKind.CLIENT, Role.CLIENT)

RESPONSIBLE = Access(frozenset({Relation.RESPONSIBLE_CASE_MANAGER, Relation.SAME_JOBCENTER}))

TABLE = [
    # actor,   access to the report (None: the actor's standing to the client, as the service
    #          builds it before any case: service/clients/access.py),  allowed
    (DPO, None, True),
    (THE_CLIENT, None, True),
    (OTHER_CLIENT, None, False),
    (CASE_MANAGER, None, False),
    (CASE_MANAGER, RESPONSIBLE, False),  # even their own client's: the report is no case content
    (TEAM_LEAD, None, False),
    (CONTROLLING, None, False),
    (COUNSELLOR, None, False),
]


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


@pytest.mark.parametrize(("actor", "access", "allowed"), TABLE)
def test_auskunft_row(authorizer, actor, access, allowed):
    access = access or standing(actor, CLIENT_ID)

    assert authorizer.is_allowed(actor, Action.ACCESS_REPORT_READ, access) is allowed
    readable = authorizer.readable_categories(actor, access)
    assert (str(DataCategory.ACCESS_REPORT) in readable) is allowed


def test_dpo_reads_no_case_content_through_the_report_access(authorizer):
    readable = authorizer.readable_categories(DPO, standing(DPO, CLIENT_ID))

    assert readable == {str(DataCategory.ACCESS_REPORT)}
