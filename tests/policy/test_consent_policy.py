"""The consent rules of policies.polar as a table: actor × relations × consent state × data
category → may read? Run on the Polar engine directly, no database. A policy change shows up
as a changed row here."""

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
OUR_ORG = uuid.uuid4()
OTHER_ORG = uuid.uuid4()

COUNSELLOR = Actor(
    kind=ActorKind.PARTNER,
    user_id=uuid.uuid4(),
    subject="sb",
    display_name="sb",
    roles=frozenset({Role.PARTNER_COUNSELLOR}),
    organisation_id=OUR_ORG,
)
CASE_MANAGER = Actor(
    kind=ActorKind.STAFF,
    user_id=uuid.uuid4(),
    subject="fm",
    display_name="fm",
    roles=frozenset({Role.CASE_MANAGER}),
    tenant_id=TENANT,
)
TEAM_LEAD = Actor(
    kind=ActorKind.STAFF,
    user_id=uuid.uuid4(),
    subject="tl",
    display_name="tl",
    roles=frozenset({Role.TEAM_LEAD}),
    tenant_id=TENANT,
)
OTHER_CASE_MANAGER = Actor(
    kind=ActorKind.STAFF,
    user_id=uuid.uuid4(),
    subject="fm2",
    display_name="fm2",
    roles=frozenset({Role.CASE_MANAGER}),
    tenant_id=TENANT,
)
CLIENT = Actor(
    kind=ActorKind.CLIENT,
    user_id=uuid.uuid4(),
    subject="kunde",
    display_name="kunde",
    roles=frozenset({Role.CLIENT}),
    tenant_id=TENANT,
)


def consent(
    *categories: str,
    active: bool = True,
    direction: ConsentDirection = ConsentDirection.TO_PARTNER,
    purpose: ConsentPurpose = ConsentPurpose.REFERRAL,
    grantee: uuid.UUID = OUR_ORG,
    explicit: bool = False,
    deputy: Actor | None = None,
) -> ConsentFact:
    return ConsentFact(
        purpose=purpose,
        direction=direction,
        grantee_id=grantee,
        categories=frozenset(categories),
        explicit_special=explicit,
        active=active,
        id=uuid.uuid4(),
        deputy_id=deputy.user_id if deputy else None,
    )


def deputy_consent(*, deputy: Actor, active: bool = True) -> ConsentFact:
    """A deputy consent naming `deputy`; `active`: not revoked and within its period."""
    return consent(purpose=ConsentPurpose.DEPUTY, grantee=TENANT, deputy=deputy, active=active)


RECIPIENT = frozenset({Relation.REFERRAL_RECIPIENT})
RESPONSIBLE = frozenset({Relation.RESPONSIBLE_CASE_MANAGER, Relation.SAME_JOBCENTER})
DEPUTY = frozenset({Relation.DEPUTY_CASE_MANAGER, Relation.SAME_JOBCENTER})
COLLEAGUE = frozenset({Relation.SAME_JOBCENTER})
DEPUTY_CONSENT = deputy_consent(deputy=CASE_MANAGER)
SUBJECT = frozenset({Relation.DATA_SUBJECT})
OPEN = (ObjectFlag.REFERRAL_OPEN,)  # the referral is SENT, ACCEPTED or IN_PROGRESS
FINAL = ()  # DECLINED, COMPLETED, ABORTED or NO_SHOW: no REFERRAL_OPEN

TABLE = [
    # actor, relations, consents, flags, category, may read?
    # --- partners: exactly the active, matching consent's categories, while the referral is open
    (COUNSELLOR, RECIPIENT, (), (), "referral", True),
    (COUNSELLOR, RECIPIENT, (), (), "identity", False),
    (COUNSELLOR, RECIPIENT, (consent("identity"),), OPEN, "identity", True),
    (COUNSELLOR, RECIPIENT, (consent("identity"),), OPEN, "contact", False),
    (COUNSELLOR, RECIPIENT, (consent("identity", active=False),), OPEN, "identity", False),
    (COUNSELLOR, RECIPIENT, (consent("identity", grantee=OTHER_ORG),), OPEN, "identity", False),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("identity", direction=ConsentDirection.TO_JOBCENTER),),
        OPEN,
        "identity",
        False,
    ),
    (COUNSELLOR, frozenset(), (consent("identity"),), OPEN, "identity", False),
    (COUNSELLOR, RECIPIENT, (consent("assessment_health"),), OPEN, "assessment_health", False),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("assessment_health", explicit=True),),
        OPEN,
        "assessment_health",
        True,
    ),
    (COUNSELLOR, RECIPIENT, (), (), "progress_reports", False),
    (
        COUNSELLOR,
        RECIPIENT | {Relation.REPORT_AUTHOR},
        (),
        (),
        "progress_reports",
        True,
    ),
    # --- partners after the purpose (§ 78 SGB X): the referral in a final status, or its case
    # closed. The record and their own reports stay (the rows above need no open referral);
    # the client's data does not, consent or not.
    (COUNSELLOR, RECIPIENT, (consent("identity"),), FINAL, "identity", False),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("assessment_health", explicit=True),),
        FINAL,
        "assessment_health",
        False,
    ),
    # --- staff
    (CASE_MANAGER, RESPONSIBLE, (), (), "assessment_addiction", True),
    (CASE_MANAGER, RESPONSIBLE, (), (), "progress_reports", False),
    (
        CASE_MANAGER,
        RESPONSIBLE,
        (consent("progress_reports", direction=ConsentDirection.TO_JOBCENTER),),
        (),
        "progress_reports",
        True,
    ),
    (CASE_MANAGER, COLLEAGUE, (), (), "identity", False),
    (CASE_MANAGER, DEPUTY, (), (), "assessment_finances", False),
    # --- deputies: only under an active deputy consent naming that very person
    (CASE_MANAGER, DEPUTY, (DEPUTY_CONSENT,), (), "assessment_finances", True),
    (CASE_MANAGER, DEPUTY, (DEPUTY_CONSENT,), (), "assessment_health", True),
    (CASE_MANAGER, DEPUTY, (DEPUTY_CONSENT,), (), "progress_reports", False),
    (OTHER_CASE_MANAGER, DEPUTY, (DEPUTY_CONSENT,), (), "assessment_finances", False),
    (OTHER_CASE_MANAGER, DEPUTY, (DEPUTY_CONSENT,), (), "case_status", False),
    (
        OTHER_CASE_MANAGER,
        DEPUTY,
        (DEPUTY_CONSENT, deputy_consent(deputy=OTHER_CASE_MANAGER)),
        (),
        "assessment_finances",
        True,
    ),
    (
        CASE_MANAGER,
        DEPUTY,
        (deputy_consent(deputy=CASE_MANAGER, active=False),),
        (),
        "assessment_finances",
        False,
    ),
    # a consent naming nobody (recorded before deputy consents named the person) grounds nothing
    (
        CASE_MANAGER,
        DEPUTY,
        (consent(purpose=ConsentPurpose.DEPUTY, grantee=TENANT),),
        (),
        "assessment_finances",
        False,
    ),
    # named, but no longer the registered deputy
    (CASE_MANAGER, COLLEAGUE, (DEPUTY_CONSENT,), (), "assessment_finances", False),
    (TEAM_LEAD, COLLEAGUE, (), (), "case_status", True),
    (TEAM_LEAD, COLLEAGUE, (), (), "identity", True),
    (TEAM_LEAD, COLLEAGUE, (), (), "assessment_finances", False),
    (CASE_MANAGER, RESPONSIBLE, (), (ObjectFlag.ACCESS_EXPIRED,), "documents", False),
    # --- clients
    (CLIENT, frozenset({Relation.DATA_SUBJECT}), (), (), "consents", True),
    (CLIENT, frozenset({Relation.DATA_SUBJECT}), (), (), "case_closure", True),
    (CLIENT, frozenset({Relation.DATA_SUBJECT}), (), (), "assessment_health", False),
    # The list of their file's documents, yes; a document not marked visible to them, no.
    (CLIENT, frozenset({Relation.DATA_SUBJECT}), (), (), "documents", True),
    (
        CLIENT,
        frozenset({Relation.DATA_SUBJECT}),
        (),
        (ObjectFlag.FILED_DOCUMENT,),
        "documents",
        False,
    ),
    (
        CLIENT,
        frozenset({Relation.DATA_SUBJECT}),
        (),
        (ObjectFlag.VISIBLE_TO_CLIENT,),
        "documents",
        True,
    ),
    (CLIENT, frozenset(), (), (), "consents", False),
    # --- restriction (Sperrung): everything closed, but the client's own access report
    (CASE_MANAGER, RESPONSIBLE, (), (ObjectFlag.RESTRICTED,), "identity", False),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("identity"),),
        (ObjectFlag.REFERRAL_OPEN, ObjectFlag.RESTRICTED),
        "identity",
        False,
    ),
    (CLIENT, frozenset({Relation.DATA_SUBJECT}), (), (ObjectFlag.RESTRICTED,), "identity", False),
    (
        CLIENT,
        frozenset({Relation.DATA_SUBJECT}),
        (),
        (ObjectFlag.RESTRICTED,),
        "access_report",
        True,
    ),
]


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


@pytest.mark.parametrize(("actor", "relations", "consents", "flags", "category", "allowed"), TABLE)
def test_policy_row(authorizer, actor, relations, consents, flags, category, allowed):
    access = Access(frozenset(relations), tuple(consents), frozenset(flags))

    assert (category in authorizer.readable_categories(actor, access)) is allowed


# Who records and revokes which consent. A deputy standing in records the referral consents of
# the absent colleague's case, but never a deputy consent: not even for himself.
ACTION_TABLE = [
    # actor, action, relations, consents, allowed
    (CASE_MANAGER, Action.CONSENT_RECORD, RESPONSIBLE, (), True),
    (CASE_MANAGER, Action.CONSENT_RECORD_DEPUTY, RESPONSIBLE, (), True),
    (CASE_MANAGER, Action.CONSENT_REVOKE_DEPUTY, RESPONSIBLE, (), True),
    (CASE_MANAGER, Action.CONSENT_RECORD, DEPUTY, (DEPUTY_CONSENT,), True),
    (CASE_MANAGER, Action.CONSENT_REVOKE, DEPUTY, (DEPUTY_CONSENT,), True),
    (CASE_MANAGER, Action.CONSENT_RECORD_DEPUTY, DEPUTY, (DEPUTY_CONSENT,), False),
    (CASE_MANAGER, Action.CONSENT_REVOKE_DEPUTY, DEPUTY, (DEPUTY_CONSENT,), False),
    (CASE_MANAGER, Action.CONSENT_RECORD, DEPUTY, (), False),
    (CASE_MANAGER, Action.CONSENT_RECORD_DEPUTY, DEPUTY, (), False),
    (OTHER_CASE_MANAGER, Action.CONSENT_RECORD, DEPUTY, (DEPUTY_CONSENT,), False),
    (CASE_MANAGER, Action.CONSENT_RECORD_DEPUTY, COLLEAGUE, (), False),
    (TEAM_LEAD, Action.CONSENT_RECORD_DEPUTY, COLLEAGUE, (), False),
    (CLIENT, Action.CONSENT_RECORD, SUBJECT, (), True),
    (CLIENT, Action.CONSENT_RECORD_DEPUTY, SUBJECT, (), True),
    (CLIENT, Action.CONSENT_REVOKE_DEPUTY, SUBJECT, (), True),
    (CLIENT, Action.CONSENT_RECORD_DEPUTY, frozenset(), (), False),
    (COUNSELLOR, Action.CONSENT_RECORD, RECIPIENT, (consent("identity"),), False),
]


@pytest.mark.parametrize(("actor", "action", "relations", "consents", "allowed"), ACTION_TABLE)
def test_consent_action_row(authorizer, actor, action, relations, consents, allowed):
    access = Access(frozenset(relations), tuple(consents))

    assert authorizer.is_allowed(actor, action, access) is allowed


def test_answers_are_remembered_but_a_changed_consent_is_a_new_question():
    authorizer = Authorizer()
    active = Access(RECIPIENT, (consent("identity"),), frozenset(OPEN))
    revoked = Access(RECIPIENT, (consent("identity", active=False),), frozenset(OPEN))

    first = authorizer.readable_categories(COUNSELLOR, active)
    again = authorizer.readable_categories(COUNSELLOR, active)
    after_revocation = authorizer.readable_categories(COUNSELLOR, revoked)

    assert first == again == {"identity", "referral"}
    assert after_revocation == {"referral"}
    assert len(authorizer._answers) == 2
