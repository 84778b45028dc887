"""Whom an object named by id exists for, as a table: actor × what they are to it → may see it.
Whoever may not see it gets NOT_FOUND, the same as for an unknown id; only who sees it can be
told FORBIDDEN for an action (DESIGN.md: "Not yours is one answer"). A change in
policies.polar shows up as a changed row (STYLE.md habit 3)."""

from __future__ import annotations

import uuid

import pytest

from service.errors import Forbidden, NotFound
from service.identity.actor import Actor
from service.identity.roles import ActorKind, Role
from service.policy.actions import Action
from service.policy.authorizer import Authorizer
from service.policy.facts import (
    Access,
    ConsentDirection,
    ConsentFact,
    ConsentPurpose,
    ObjectFlag,
    Relation,
)

TENANT = uuid.uuid4()


def _actor(kind: ActorKind, *roles: Role) -> Actor:
    return Actor(
        kind=kind,
        user_id=uuid.uuid4(),
        subject="-".join(roles),
        display_name="someone",
        roles=frozenset(roles),
        tenant_id=TENANT,
    )


CASE_MANAGER = _actor(ActorKind.STAFF, Role.CASE_MANAGER)
TEAM_LEAD = _actor(ActorKind.STAFF, Role.TEAM_LEAD)
PLACEMENT_OFFICER = _actor(ActorKind.STAFF, Role.PLACEMENT_OFFICER)
DPO = _actor(ActorKind.STAFF, Role.DATA_PROTECTION_OFFICER)
CONTROLLING = _actor(ActorKind.STAFF, Role.CONTROLLING)
CLIENT = _actor(ActorKind.CLIENT, Role.CLIENT)

DEPUTY_CONSENT = ConsentFact(
    purpose=ConsentPurpose.DEPUTY,
    direction=ConsentDirection.TO_JOBCENTER,
    grantee_id=TENANT,
    categories=frozenset(),
    explicit_special=False,
    active=True,
    id=uuid.uuid4(),
    deputy_id=CASE_MANAGER.user_id,  # names the deputy who stands in (consent of that person)
)


def staff_at(*relations: Relation, consents=(), flags=()) -> Access:
    return Access(
        frozenset({Relation.SAME_JOBCENTER, *relations}), tuple(consents), frozenset(flags)
    )


OF_THE_JOBCENTER = staff_at()
RESPONSIBLE = staff_at(Relation.RESPONSIBLE_CASE_MANAGER)
DEPUTY = staff_at(Relation.DEPUTY_CASE_MANAGER, consents=[DEPUTY_CONSENT])
DEPUTY_WITHOUT_CONSENT = staff_at(Relation.DEPUTY_CASE_MANAGER)
PROPOSER = staff_at(Relation.PROPOSER)
SUBJECT = Access(frozenset({Relation.DATA_SUBJECT}))
SOMEONE_ELSE = Access(frozenset())

TABLE = [
    # actor,             access,                  action,               sees
    # --- a client, named by clientId (consents, Auskunft, restriction and erasure)
    (CASE_MANAGER, RESPONSIBLE, Action.CLIENT_READ, True),
    (CASE_MANAGER, DEPUTY, Action.CLIENT_READ, True),
    (CASE_MANAGER, DEPUTY_WITHOUT_CONSENT, Action.CLIENT_READ, False),
    (CASE_MANAGER, OF_THE_JOBCENTER, Action.CLIENT_READ, False),  # a colleague's client
    (TEAM_LEAD, OF_THE_JOBCENTER, Action.CLIENT_READ, True),
    (PLACEMENT_OFFICER, PROPOSER, Action.CLIENT_READ, True),
    (PLACEMENT_OFFICER, OF_THE_JOBCENTER, Action.CLIENT_READ, False),
    (DPO, OF_THE_JOBCENTER, Action.CLIENT_READ, True),
    (DPO, staff_at(flags=[ObjectFlag.RESTRICTED]), Action.CLIENT_READ, True),
    (CONTROLLING, OF_THE_JOBCENTER, Action.CLIENT_READ, False),
    (CLIENT, SUBJECT, Action.CLIENT_READ, True),
    (CLIENT, SOMEONE_ELSE, Action.CLIENT_READ, False),
    # --- a client's consents, listed or named by consentId
    (CASE_MANAGER, RESPONSIBLE, Action.CONSENT_READ, True),
    (CASE_MANAGER, DEPUTY, Action.CONSENT_READ, True),
    (CASE_MANAGER, OF_THE_JOBCENTER, Action.CONSENT_READ, False),
    (TEAM_LEAD, OF_THE_JOBCENTER, Action.CONSENT_READ, False),
    (DPO, OF_THE_JOBCENTER, Action.CONSENT_READ, False),
    (CLIENT, SUBJECT, Action.CONSENT_READ, True),
    (CLIENT, SOMEONE_ELSE, Action.CONSENT_READ, False),
]


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


@pytest.mark.parametrize(("actor", "access", "action", "sees"), TABLE)
def test_visibility_row(authorizer, actor, access, action, sees):
    assert authorizer.is_allowed(actor, action, access) is sees


def test_not_seen_is_not_found_and_seen_but_not_allowed_is_forbidden(authorizer):
    with pytest.raises(NotFound) as colleagues:
        authorizer.authorize_seen(
            CASE_MANAGER, Action.CONSENT_RECORD, OF_THE_JOBCENTER, seen=Action.CLIENT_READ
        )
    with pytest.raises(Forbidden):
        authorizer.authorize_seen(
            TEAM_LEAD, Action.CONSENT_RECORD, OF_THE_JOBCENTER, seen=Action.CLIENT_READ
        )
    authorizer.authorize_seen(
        CASE_MANAGER, Action.CONSENT_RECORD, RESPONSIBLE, seen=Action.CLIENT_READ
    )

    assert (colleagues.value.message, colleagues.value.message_de) == (
        "not found",
        "nicht gefunden",
    )
