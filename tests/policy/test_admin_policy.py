"""The administration's policy as tables (policies.polar, "Administration"): who keeps the
jobcenter's master data, who finds clients and case managers, and what each reads there."""

from __future__ import annotations

import uuid

import pytest

from service.admin.directory import DIRECTORY_ACCESS, JOBCENTER
from service.identity.actor import Actor
from service.identity.roles import ActorKind, Role
from service.policy.actions import Action
from service.policy.authorizer import Authorizer
from service.policy.facts import Access, ObjectFlag, Relation

TENANT = uuid.uuid4()


def _staff(*roles: Role) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        user_id=uuid.uuid4(),
        subject="-".join(roles),
        display_name="Test",
        roles=frozenset(roles),
        tenant_id=TENANT,
    )


ADMIN = _staff(Role.JOBCENTER_ADMIN)
PLACEMENT_OFFICER = _staff(Role.PLACEMENT_OFFICER)
CASE_MANAGER = _staff(Role.CASE_MANAGER)
TEAM_LEAD = _staff(Role.TEAM_LEAD)
CONTROLLING = _staff(Role.CONTROLLING)
DPO = _staff(Role.DATA_PROTECTION_OFFICER)
PARTNER = Actor(
    kind=ActorKind.PARTNER,
    user_id=uuid.uuid4(),
    subject="berater",
    display_name="Test",
    roles=frozenset({Role.PARTNER_COUNSELLOR}),
    organisation_id=uuid.uuid4(),
)
NOTHING = Access(relations=frozenset())
RESTRICTED_IN_DIRECTORY = DIRECTORY_ACCESS.with_flags(ObjectFlag.RESTRICTED)
RESPONSIBLE = Access(frozenset({Relation.SAME_JOBCENTER, Relation.RESPONSIBLE_CASE_MANAGER}))

MANAGE = (
    Action.CLIENT_REGISTER,
    Action.CLIENT_UPDATE,
    Action.CLIENT_DEACTIVATE,
    Action.STAFF_MANAGE,
    Action.TEAM_MANAGE,
    Action.NETWORK_MANAGE,
)
ACTION_TABLE = [
    *((ADMIN, action, JOBCENTER, True) for action in MANAGE),
    *((ADMIN, action, NOTHING, False) for action in MANAGE),
    *(
        (actor, action, JOBCENTER, False)
        for actor in (PLACEMENT_OFFICER, CASE_MANAGER, TEAM_LEAD, CONTROLLING, DPO, PARTNER)
        for action in MANAGE
    ),
    (ADMIN, Action.CLIENT_SEARCH, JOBCENTER, True),
    (PLACEMENT_OFFICER, Action.CLIENT_SEARCH, JOBCENTER, True),
    (CASE_MANAGER, Action.CLIENT_SEARCH, JOBCENTER, True),
    (TEAM_LEAD, Action.CLIENT_SEARCH, JOBCENTER, False),
    (CONTROLLING, Action.CLIENT_SEARCH, JOBCENTER, False),
    (PARTNER, Action.CLIENT_SEARCH, NOTHING, False),
    (PLACEMENT_OFFICER, Action.CASE_MANAGERS_READ, JOBCENTER, True),
    (CASE_MANAGER, Action.CASE_MANAGERS_READ, JOBCENTER, True),
    (TEAM_LEAD, Action.CASE_MANAGERS_READ, JOBCENTER, True),
    (ADMIN, Action.CASE_MANAGERS_READ, JOBCENTER, True),
    (CONTROLLING, Action.CASE_MANAGERS_READ, JOBCENTER, False),
    (PARTNER, Action.CASE_MANAGERS_READ, NOTHING, False),
    # The administration reads master data in its own views only: no case, consent, Auskunft.
    (ADMIN, Action.CLIENT_READ, DIRECTORY_ACCESS, True),
    (ADMIN, Action.CLIENT_READ, JOBCENTER, False),
    (ADMIN, Action.CASE_READ, JOBCENTER, False),
    (ADMIN, Action.CONSENT_READ, DIRECTORY_ACCESS, False),
    (ADMIN, Action.ACCESS_REPORT_READ, JOBCENTER, False),
    (ADMIN, Action.CASE_PROPOSE, JOBCENTER, False),
    (ADMIN, Action.INDICATORS_READ, JOBCENTER, False),
]


READ_TABLE = [
    # actor,            access,                  category,            readable
    (ADMIN, DIRECTORY_ACCESS, "identity", True),
    (ADMIN, DIRECTORY_ACCESS, "contact", True),
    (ADMIN, DIRECTORY_ACCESS, "household", True),
    (ADMIN, DIRECTORY_ACCESS, "case_status", False),
    (ADMIN, DIRECTORY_ACCESS, "assessment_health", False),
    (ADMIN, DIRECTORY_ACCESS, "consents", False),
    (ADMIN, JOBCENTER, "identity", False),  # outside its views, nothing
    (ADMIN, RESTRICTED_IN_DIRECTORY, "identity", False),  # Sperrung, Art. 18 GDPR
    (PLACEMENT_OFFICER, DIRECTORY_ACCESS, "identity", True),
    (PLACEMENT_OFFICER, DIRECTORY_ACCESS, "contact", False),
    (PLACEMENT_OFFICER, DIRECTORY_ACCESS, "household", False),
    (PLACEMENT_OFFICER, RESTRICTED_IN_DIRECTORY, "identity", False),
    (PLACEMENT_OFFICER, JOBCENTER, "identity", False),  # unchanged outside the directory
    (CASE_MANAGER, DIRECTORY_ACCESS, "identity", True),
    (CASE_MANAGER, DIRECTORY_ACCESS, "contact", False),
    (CASE_MANAGER, DIRECTORY_ACCESS, "intake", False),
    (CONTROLLING, DIRECTORY_ACCESS, "identity", False),
    (DPO, DIRECTORY_ACCESS, "contact", False),
    (PARTNER, DIRECTORY_ACCESS, "identity", False),
    (ADMIN, RESPONSIBLE, "identity", False),  # a case relation gives the role nothing
]


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


@pytest.mark.parametrize(("actor", "action", "access", "allowed"), ACTION_TABLE)
def test_admin_action_row(authorizer, actor, action, access, allowed):
    assert authorizer.is_allowed(actor, action, access) is allowed


@pytest.mark.parametrize(("actor", "access", "category", "readable"), READ_TABLE)
def test_directory_read_row(authorizer, actor, access, category, readable):
    assert (category in authorizer.readable_categories(actor, access)) is readable
