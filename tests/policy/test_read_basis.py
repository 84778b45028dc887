"""The audit names what allowed each read: the consent that grounds it for this actor, never a
consent meant for someone else."""

from __future__ import annotations

import uuid

from service.policy.facts import Access, ConsentDirection, Relation
from service.policy.guard import GuardTag, basis_of
from tests.policy.test_consent_policy import (
    CASE_MANAGER,
    COUNSELLOR,
    DEPUTY,
    OTHER_CASE_MANAGER,
    OTHER_ORG,
    RECIPIENT,
    RESPONSIBLE,
    TENANT,
    consent,
    deputy_consent,
)


def _tag(relations, *consents) -> GuardTag:
    return GuardTag(
        tenant_id=TENANT,
        subject_id=uuid.uuid4(),
        object_type="client",
        object_id=uuid.uuid4(),
        access=Access(frozenset(relations), tuple(consents)),
    )


def test_partner_read_names_the_partners_own_consent():
    theirs = consent("identity", grantee=OTHER_ORG)
    ours = consent("identity")

    assert basis_of(_tag(RECIPIENT, theirs, ours), "identity", COUNSELLOR) == f"consent:{ours.id}"


def test_case_manager_read_is_grounded_on_the_role_not_on_a_partners_consent():
    partners = consent("identity")

    basis = basis_of(_tag(RESPONSIBLE, partners), "identity", CASE_MANAGER)

    assert basis == "responsible_case_manager+same_jobcenter"


def test_deputy_read_names_the_deputy_consent_that_names_the_deputy():
    for_someone_else = deputy_consent(deputy=OTHER_CASE_MANAGER)
    for_the_reader = deputy_consent(deputy=CASE_MANAGER)

    basis = basis_of(
        _tag(DEPUTY, for_someone_else, for_the_reader), "assessment_finances", CASE_MANAGER
    )

    assert basis == f"consent:{for_the_reader.id}"


def test_report_text_read_names_the_consent_toward_the_jobcenter():
    toward_us = consent("progress_reports", direction=ConsentDirection.TO_JOBCENTER)
    relations = RESPONSIBLE | {Relation.SAME_JOBCENTER}

    basis = basis_of(_tag(relations, toward_us), "progress_reports", CASE_MANAGER)

    assert basis == f"consent:{toward_us.id}"
