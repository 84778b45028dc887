"""The audit names what allowed each read: the consent that grounds it for this actor, never a
consent meant for someone else. The policy names it (the `ground` rules of policies.polar); the
guard writes it down, as `consent:<id>` or, where no consent grounds the read, the actor's
relations."""

from __future__ import annotations

import pytest

from service.audit.request_log import RequestLog
from service.identity.actor import Actor
from service.policy.authorizer import Authorizer
from service.policy.facts import Access, ConsentDirection, ConsentFact, ConsentPurpose, Relation
from service.policy.guard import RequestGuard
from tests.policy.test_consent_policy import (
    CASE_MANAGER,
    CLIENT,
    COLLEAGUE,
    COUNSELLOR,
    DEPUTY,
    OTHER_CASE_MANAGER,
    OTHER_ORG,
    RECIPIENT,
    RESPONSIBLE,
    SUBJECT,
    TEAM_LEAD,
    TENANT,
    consent,
    deputy_consent,
)

AUTHORIZER = Authorizer()


def _basis(actor: Actor, relations, category: str, *consents: ConsentFact) -> str:
    guard = RequestGuard(actor, AUTHORIZER, RequestLog())
    return guard.basis(Access(frozenset(relations), tuple(consents)), category)


def test_partner_read_names_the_partners_own_consent():
    theirs = consent("identity", grantee=OTHER_ORG)
    ours = consent("identity")

    assert _basis(COUNSELLOR, RECIPIENT, "identity", theirs, ours) == f"consent:{ours.id}"


def test_case_manager_read_is_grounded_on_the_role_not_on_a_partners_consent():
    partners = consent("identity")

    basis = _basis(CASE_MANAGER, RESPONSIBLE, "identity", partners)

    assert basis == "responsible_case_manager+same_jobcenter"


def test_deputy_read_names_the_deputy_consent_that_names_the_deputy():
    for_someone_else = deputy_consent(deputy=OTHER_CASE_MANAGER)
    for_the_reader = deputy_consent(deputy=CASE_MANAGER)

    basis = _basis(CASE_MANAGER, DEPUTY, "assessment_finances", for_someone_else, for_the_reader)

    assert basis == f"consent:{for_the_reader.id}"


def test_report_text_read_names_the_consent_toward_the_jobcenter():
    toward_us = consent("progress_reports", direction=ConsentDirection.TO_JOBCENTER)
    relations = RESPONSIBLE | {Relation.SAME_JOBCENTER}

    basis = _basis(CASE_MANAGER, relations, "progress_reports", toward_us)

    assert basis == f"consent:{toward_us.id}"


def test_equal_situations_each_name_their_own_consent():
    """The policy's answer is remembered per situation, and Accesses that differ only in their
    consents' ids are one situation: each read must still name its own consent."""
    first, second = consent("identity"), consent("identity")
    assert first == second and first.id != second.id

    assert _basis(COUNSELLOR, RECIPIENT, "identity", first) == f"consent:{first.id}"
    assert _basis(COUNSELLOR, RECIPIENT, "identity", second) == f"consent:{second.id}"


TOWARD_US = consent("progress_reports", direction=ConsentDirection.TO_JOBCENTER)
TO_PARTNER = consent("identity", "contact")
INACTIVE = consent("identity", active=False)
OTHERS = consent("identity", grantee=OTHER_ORG)
DEPUTY_FOR_READER = deputy_consent(deputy=CASE_MANAGER)
DEPUTY_FOR_OTHER = deputy_consent(deputy=OTHER_CASE_MANAGER)
DEPUTY_REVOKED = deputy_consent(deputy=CASE_MANAGER, active=False)
UNNAMED_DEPUTY = consent(purpose=ConsentPurpose.DEPUTY, grantee=TENANT)
ROLE = "responsible_case_manager+same_jobcenter"

# actor, relations, consents, category → the consent named (its place), or the relations.
GROUND_TABLE = [
    # --- partners: their own organisation's referral consent for the category, first one first
    (COUNSELLOR, RECIPIENT, (TO_PARTNER,), "identity", 0),
    (COUNSELLOR, RECIPIENT, (TO_PARTNER,), "contact", 0),
    (COUNSELLOR, RECIPIENT, (TO_PARTNER,), "referral", "referral_recipient"),
    (COUNSELLOR, RECIPIENT, (OTHERS, TO_PARTNER), "identity", 1),
    (COUNSELLOR, RECIPIENT, (TO_PARTNER, consent("identity")), "identity", 0),
    (COUNSELLOR, RECIPIENT, (INACTIVE, TO_PARTNER), "identity", 1),
    (COUNSELLOR, RECIPIENT, (TOWARD_US,), "progress_reports", "referral_recipient"),
    (COUNSELLOR, RECIPIENT, (DEPUTY_FOR_READER,), "identity", "referral_recipient"),
    # --- staff: the consent toward the jobcenter for what it covers, else the role
    (CASE_MANAGER, RESPONSIBLE, (TOWARD_US,), "progress_reports", 0),
    (CASE_MANAGER, RESPONSIBLE, (TOWARD_US,), "identity", ROLE),
    (CASE_MANAGER, RESPONSIBLE, (TO_PARTNER,), "identity", ROLE),
    (TEAM_LEAD, COLLEAGUE, (), "case_status", "same_jobcenter"),
    (CASE_MANAGER, frozenset(), (), "identity", "none"),
    # --- deputies: the deputy consent naming them, for any category; never the responsible one
    (CASE_MANAGER, DEPUTY, (DEPUTY_FOR_READER,), "assessment_health", 0),
    (CASE_MANAGER, DEPUTY, (DEPUTY_FOR_OTHER, DEPUTY_FOR_READER), "identity", 1),
    (CASE_MANAGER, DEPUTY, (DEPUTY_REVOKED,), "identity", "deputy_case_manager+same_jobcenter"),
    (CASE_MANAGER, DEPUTY, (UNNAMED_DEPUTY,), "identity", "deputy_case_manager+same_jobcenter"),
    (CASE_MANAGER, DEPUTY, (TOWARD_US, DEPUTY_FOR_READER), "progress_reports", 0),
    (CASE_MANAGER, DEPUTY, (DEPUTY_FOR_READER, TOWARD_US), "progress_reports", 0),
    (CASE_MANAGER, RESPONSIBLE | DEPUTY, (DEPUTY_FOR_READER,), "identity", None),
    # --- clients: their own data as its subject, whatever consents they gave
    (CLIENT, SUBJECT, (TO_PARTNER,), "identity", "data_subject"),
    (CLIENT, SUBJECT, (TOWARD_US,), "progress_reports", "data_subject"),
    (CLIENT, SUBJECT, (DEPUTY_FOR_READER,), "identity", "data_subject"),
]


@pytest.mark.parametrize(("actor", "relations", "consents", "category", "named"), GROUND_TABLE)
def test_ground_row(actor, relations, consents, category, named):
    basis = _basis(actor, relations, category, *consents)

    if named is None:
        named = "+".join(sorted(relations))
    if isinstance(named, int):
        assert basis == f"consent:{consents[named].id}"
    else:
        assert basis == named
