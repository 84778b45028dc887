"""The case policy as tables: actor × relations/consents × category → readable, and
actor × relations → allowed object-level case actions (STYLE.md habit 3)."""

from __future__ import annotations

import uuid

import pytest

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


def _staff(*roles: Role) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        user_id=uuid.uuid4(),
        subject="-".join(roles),
        display_name="Test",
        roles=frozenset(roles),
        tenant_id=TENANT,
    )


CASE_MANAGER = _staff(Role.CASE_MANAGER)
CLIENT = Actor(
    kind=ActorKind.CLIENT,
    user_id=uuid.uuid4(),
    subject="kunde",
    display_name="Test",
    roles=frozenset({Role.CLIENT}),
    tenant_id=TENANT,
)
OTHER_CASE_MANAGER = _staff(Role.CASE_MANAGER)
CLIENT = Actor(
    kind=ActorKind.CLIENT,
    user_id=uuid.uuid4(),
    subject="kunde",
    display_name="Test",
    roles=frozenset({Role.CLIENT}),
    tenant_id=TENANT,
)
TEAM_LEAD = _staff(Role.TEAM_LEAD)
PLACEMENT_OFFICER = _staff(Role.PLACEMENT_OFFICER)
CONTROLLING = _staff(Role.CONTROLLING)

SAME = Relation.SAME_JOBCENTER


def deputy_consent(
    *, active: bool = True, grantee: uuid.UUID = TENANT, deputy: Actor = CASE_MANAGER
) -> ConsentFact:
    return ConsentFact(
        purpose=ConsentPurpose.DEPUTY,
        direction=ConsentDirection.TO_JOBCENTER,
        grantee_id=grantee,
        categories=frozenset(),
        explicit_special=False,
        active=active,
        id=uuid.uuid4(),
        deputy_id=deputy.user_id,
    )


def at(*relations: Relation, consents=(), flags=()) -> Access:
    return Access(frozenset({SAME, *relations}), tuple(consents), frozenset(flags))


RESPONSIBLE = at(Relation.RESPONSIBLE_CASE_MANAGER)
DEPUTY_WITH_CONSENT = at(Relation.DEPUTY_CASE_MANAGER, consents=[deputy_consent()])
DEPUTY_REVOKED = at(Relation.DEPUTY_CASE_MANAGER, consents=[deputy_consent(active=False)])
DEPUTY_OTHER_JOBCENTER = at(
    Relation.DEPUTY_CASE_MANAGER, consents=[deputy_consent(grantee=uuid.uuid4())]
)
DEPUTY_WITHOUT_CONSENT = at(Relation.DEPUTY_CASE_MANAGER)
# The consent names CASE_MANAGER; the deputy registered now is someone else (a replaced deputy),
# or CASE_MANAGER's consent has run out (`active` is false past valid_until).
DEPUTY_CONSENT_FOR_ANOTHER = at(
    Relation.DEPUTY_CASE_MANAGER, consents=[deputy_consent(deputy=OTHER_CASE_MANAGER)]
)
PROPOSER = at(Relation.PROPOSER)
HANDED_BACK = at(Relation.HANDOVER_RECIPIENT)
JOBCENTER = at()
# The client and their own case (service/cases/access.py): no jobcenter relation, only this.
OWN_CASE = Access(frozenset({Relation.DATA_SUBJECT}))
OWN_DOCUMENT = OWN_CASE.with_flags(ObjectFlag.FILED_DOCUMENT)
OWN_VISIBLE_DOCUMENT = OWN_DOCUMENT.with_flags(ObjectFlag.VISIBLE_TO_CLIENT)
OWN_PROTECTED_DOCUMENT = OWN_DOCUMENT.with_flags(ObjectFlag.PROTECTED_AREA)
SOMEONE_ELSES_CASE = Access(frozenset())

READ_TABLE = [
    # actor,            access,                 category,                    readable
    (CASE_MANAGER, RESPONSIBLE, "assessment_health", True),
    (CASE_MANAGER, RESPONSIBLE, "integration_plan", True),
    (CASE_MANAGER, RESPONSIBLE, "case_closure", True),
    (CASE_MANAGER, DEPUTY_WITH_CONSENT, "case_closure", True),
    (CASE_MANAGER, RESPONSIBLE, "progress_reports", False),
    (
        CASE_MANAGER,
        at(Relation.RESPONSIBLE_CASE_MANAGER, flags=[ObjectFlag.ACCESS_EXPIRED]),
        "documents",
        False,
    ),
    (CASE_MANAGER, JOBCENTER, "identity", False),
    (CASE_MANAGER, DEPUTY_WITH_CONSENT, "assessment_addiction", True),
    (CASE_MANAGER, DEPUTY_WITHOUT_CONSENT, "case_status", False),
    (CASE_MANAGER, DEPUTY_WITHOUT_CONSENT, "assessment_finances", False),
    (CASE_MANAGER, DEPUTY_REVOKED, "assessment_finances", False),
    (CASE_MANAGER, DEPUTY_OTHER_JOBCENTER, "assessment_finances", False),
    (CASE_MANAGER, DEPUTY_CONSENT_FOR_ANOTHER, "assessment_finances", False),
    (OTHER_CASE_MANAGER, DEPUTY_WITH_CONSENT, "assessment_finances", False),
    (TEAM_LEAD, JOBCENTER, "identity", True),
    (TEAM_LEAD, JOBCENTER, "case_status", True),
    (TEAM_LEAD, JOBCENTER, "case_closure", False),  # outcomes: domain/002
    (TEAM_LEAD, JOBCENTER, "integration_plan", False),
    (TEAM_LEAD, JOBCENTER, "intake", False),
    (TEAM_LEAD, JOBCENTER, "assessment_finances", False),
    (TEAM_LEAD, JOBCENTER, "documents", False),
    (PLACEMENT_OFFICER, PROPOSER, "intake", True),
    (PLACEMENT_OFFICER, PROPOSER, "case_status", True),
    (PLACEMENT_OFFICER, PROPOSER, "case_closure", True),
    (PLACEMENT_OFFICER, PROPOSER, "integration_plan", False),  # the closing reasoning
    (PLACEMENT_OFFICER, PROPOSER, "assessment_circumstances", False),
    (PLACEMENT_OFFICER, JOBCENTER, "identity", False),
    (CONTROLLING, JOBCENTER, "case_status", False),
    (CONTROLLING, JOBCENTER, "case_closure", False),
    (CASE_MANAGER, RESPONSIBLE, "case_notes", True),
    (TEAM_LEAD, JOBCENTER, "case_notes", False),
    # The closing talk's assessments are case_notes: not for whom the client goes back to.
    (PLACEMENT_OFFICER, PROPOSER, "case_notes", False),
    # The placement officer the case is handed back to: who comes back and how it ended.
    (PLACEMENT_OFFICER, HANDED_BACK, "identity", True),
    (PLACEMENT_OFFICER, HANDED_BACK, "case_status", True),
    (PLACEMENT_OFFICER, HANDED_BACK, "case_closure", True),
    (PLACEMENT_OFFICER, HANDED_BACK, "intake", False),
    (PLACEMENT_OFFICER, HANDED_BACK, "case_notes", False),
    (PLACEMENT_OFFICER, HANDED_BACK, "integration_plan", False),
    (CASE_MANAGER, HANDED_BACK, "case_status", False),  # the relation is a placement officer's
    # --- the client, on their own case: status, plan, closure, referrals; not the protected area
    (CLIENT, OWN_CASE, "case_status", True),
    (CLIENT, OWN_CASE, "integration_plan", True),
    (CLIENT, OWN_CASE, "case_closure", True),
    (CLIENT, OWN_CASE, "referral", True),
    (CLIENT, OWN_CASE, "identity", True),
    (CLIENT, OWN_CASE, "intake", False),
    (CLIENT, OWN_CASE, "case_notes", False),  # closing reasoning, review reasons, notes
    (CLIENT, OWN_CASE, "assessment_finances", False),
    (CLIENT, OWN_CASE, "assessment_health", False),
    (CLIENT, OWN_CASE, "progress_reports", False),
    (CLIENT, OWN_CASE, "documents", True),  # the list of the file's documents
    (CLIENT, OWN_DOCUMENT, "documents", False),  # a document not marked visible
    (CLIENT, OWN_PROTECTED_DOCUMENT, "assessment_health", False),
    (CLIENT, OWN_VISIBLE_DOCUMENT, "documents", True),
    (CLIENT, OWN_VISIBLE_DOCUMENT.with_flags(ObjectFlag.PROTECTED_AREA), "assessment_health", True),
    (CLIENT, SOMEONE_ELSES_CASE, "case_status", False),
    (CLIENT, SOMEONE_ELSES_CASE, "documents", False),
]


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


@pytest.mark.parametrize(("actor", "access", "category", "readable"), READ_TABLE)
def test_case_read_row(authorizer, actor, access, category, readable):
    assert (category in authorizer.readable_categories(actor, access)) is readable


ACTION_TABLE = [
    # actor,            action,                       access,               allowed
    (CASE_MANAGER, Action.CASE_READ, RESPONSIBLE, True),
    (CASE_MANAGER, Action.CASE_READ, DEPUTY_WITH_CONSENT, True),
    (CASE_MANAGER, Action.CASE_READ, DEPUTY_WITHOUT_CONSENT, False),
    (CASE_MANAGER, Action.CASE_READ, DEPUTY_CONSENT_FOR_ANOTHER, False),
    (CASE_MANAGER, Action.CASE_READ, DEPUTY_REVOKED, False),
    (OTHER_CASE_MANAGER, Action.CASE_READ, DEPUTY_WITH_CONSENT, False),
    (CASE_MANAGER, Action.CASE_READ, JOBCENTER, False),
    (TEAM_LEAD, Action.CASE_READ, JOBCENTER, True),
    (PLACEMENT_OFFICER, Action.CASE_READ, PROPOSER, True),
    (PLACEMENT_OFFICER, Action.CASE_READ, HANDED_BACK, True),
    (PLACEMENT_OFFICER, Action.CASE_READ, JOBCENTER, False),
    (CONTROLLING, Action.CASE_READ, JOBCENTER, False),
    (PLACEMENT_OFFICER, Action.CASE_PROPOSE, JOBCENTER, True),
    (CASE_MANAGER, Action.CASE_PROPOSE, JOBCENTER, True),
    (TEAM_LEAD, Action.CASE_PROPOSE, JOBCENTER, False),
    (CONTROLLING, Action.CASE_PROPOSE, JOBCENTER, False),
    (CASE_MANAGER, Action.CASE_DECIDE_INTAKE, RESPONSIBLE, True),
    (CASE_MANAGER, Action.CASE_DECIDE_INTAKE, DEPUTY_WITH_CONSENT, False),
    (PLACEMENT_OFFICER, Action.CASE_DECIDE_INTAKE, PROPOSER, False),
    (CASE_MANAGER, Action.CASE_WORK, RESPONSIBLE, True),
    (CASE_MANAGER, Action.CASE_WORK, DEPUTY_WITH_CONSENT, True),
    (CASE_MANAGER, Action.CASE_WORK, DEPUTY_REVOKED, False),
    (CASE_MANAGER, Action.CASE_WORK, DEPUTY_CONSENT_FOR_ANOTHER, False),
    (TEAM_LEAD, Action.CASE_WORK, JOBCENTER, False),
    (TEAM_LEAD, Action.CASE_ASSIGN, JOBCENTER, True),
    (CASE_MANAGER, Action.CASE_ASSIGN, RESPONSIBLE, False),
    (TEAM_LEAD, Action.CASE_REGISTER_DEPUTY, JOBCENTER, True),
    (CASE_MANAGER, Action.CASE_REGISTER_DEPUTY, RESPONSIBLE, True),
    (CASE_MANAGER, Action.CASE_REGISTER_DEPUTY, DEPUTY_WITH_CONSENT, False),
    (TEAM_LEAD, Action.CASELOAD_READ, JOBCENTER, True),
    (CONTROLLING, Action.CASELOAD_READ, JOBCENTER, False),
    (CONTROLLING, Action.INDICATORS_READ, JOBCENTER, True),
    (TEAM_LEAD, Action.INDICATORS_READ, JOBCENTER, False),  # leaders not in it: domain/002
    (CASE_MANAGER, Action.INDICATORS_READ, RESPONSIBLE, False),
    (CLIENT, Action.CASE_READ, OWN_CASE, True),
    (CLIENT, Action.CASE_READ, SOMEONE_ELSES_CASE, False),  # NOT_FOUND
    (CLIENT, Action.CASE_WORK, OWN_CASE, False),
    (CLIENT, Action.REFERRAL_READ, OWN_CASE, True),
    (CLIENT, Action.REFERRAL_READ, SOMEONE_ELSES_CASE, False),
    (CLIENT, Action.REFERRAL_WITHDRAW, OWN_CASE, False),
    (CLIENT, Action.CONSENT_REVOKE, OWN_CASE, True),
    (CLIENT, Action.NETWORK_READ, "network", False),  # their partners only through their data
]


@pytest.mark.parametrize(("actor", "action", "access", "allowed"), ACTION_TABLE)
def test_case_action_row(authorizer, actor, action, access, allowed):
    assert authorizer.is_allowed(actor, action, access) is allowed
