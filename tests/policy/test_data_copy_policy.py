"""Who gets the copy of a client's data (Art. 15(3) GDPR), and what it may hold, as a table run
on the Polar engine: the client and the jobcenter's data-protection officer; in it, exactly the
categories the client reads in their own view (`subject_reads`), for the officer only under the
flag `data_copy`. A change in policies.polar shows up as a changed row."""

from __future__ import annotations

import uuid

import pytest

from service.clients.access import standing
from service.identity.actor import Actor
from service.identity.roles import ActorKind, Role
from service.policy.actions import Action
from service.policy.authorizer import Authorizer
from service.policy.facts import Access, ObjectFlag
from tests.policy.actors import policy_actor

TENANT = uuid.uuid4()
CLIENT_ID = uuid.uuid4()


def _actor(kind: ActorKind, *roles: Role, user_id: uuid.UUID | None = None) -> Actor:
    return policy_actor(kind, *roles, tenant_id=TENANT, user_id=user_id)


DPO = _actor(ActorKind.STAFF, Role.DATA_PROTECTION_OFFICER)
CASE_MANAGER = _actor(ActorKind.STAFF, Role.CASE_MANAGER)
TEAM_LEAD = _actor(ActorKind.STAFF, Role.TEAM_LEAD)
COUNSELLOR = _actor(ActorKind.PARTNER, Role.PARTNER_COUNSELLOR)
THE_CLIENT = _actor(ActorKind.CLIENT, Role.CLIENT, user_id=CLIENT_ID)
OTHER_CLIENT = _actor(ActorKind.CLIENT, Role.CLIENT)

WHO_GETS_IT = [
    (DPO, True),
    (THE_CLIENT, True),
    (OTHER_CLIENT, False),
    (CASE_MANAGER, False),
    (TEAM_LEAD, False),
    (COUNSELLOR, False),
]

COPY = ObjectFlag.DATA_COPY
FILED = ObjectFlag.FILED_DOCUMENT
VISIBLE = ObjectFlag.VISIBLE_TO_CLIENT
READS = [
    # actor, flags, category, readable
    (THE_CLIENT, (COPY,), "identity", True),
    (THE_CLIENT, (COPY,), "integration_plan", True),
    (THE_CLIENT, (COPY,), "appointments", True),
    (THE_CLIENT, (COPY,), "case_notes", False),
    (THE_CLIENT, (COPY,), "intake", False),
    (THE_CLIENT, (COPY,), "assessment_finances", False),
    (THE_CLIENT, (COPY,), "progress_reports", False),
    (THE_CLIENT, (COPY, FILED), "assessment_health", False),  # a document not marked visible
    (THE_CLIENT, (COPY, FILED, VISIBLE), "assessment_health", True),
    # During a restriction the copy stays theirs (Art. 15 holds), the portal's view does not.
    (THE_CLIENT, (COPY, ObjectFlag.RESTRICTED), "identity", True),
    (THE_CLIENT, (ObjectFlag.RESTRICTED,), "identity", False),
    (DPO, (COPY,), "identity", True),
    (DPO, (COPY,), "integration_plan", True),
    (DPO, (COPY,), "referral", True),
    (DPO, (COPY,), "case_notes", False),
    (DPO, (COPY,), "assessment_addiction", False),
    (DPO, (COPY, FILED), "documents", False),
    (DPO, (COPY, FILED, VISIBLE), "documents", True),
    (DPO, (), "integration_plan", False),  # outside the copy, no case content
    (CASE_MANAGER, (COPY,), "identity", False),  # the flag opens nothing to anyone else
    (TEAM_LEAD, (COPY,), "integration_plan", False),
]


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


@pytest.mark.parametrize(("actor", "allowed"), WHO_GETS_IT)
def test_who_gets_the_copy(authorizer, actor, allowed):
    access = standing(actor, CLIENT_ID)

    assert authorizer.is_allowed(actor, Action.DATA_COPY_READ, access) is allowed


@pytest.mark.parametrize(("actor", "flags", "category", "readable"), READS)
def test_what_the_copy_holds(authorizer, actor, flags, category, readable):
    access = Access(standing(actor, CLIENT_ID).relations, flags=frozenset(flags))

    assert (category in authorizer.readable_categories(actor, access)) is readable
