"""Special categories and the protected area as a table: what a consent must name before a
partner reads a document or note classified by what it says (DESIGN.md, invariant 6). Run on the
Polar engine directly; a policy change shows as a changed row."""

from __future__ import annotations

import pytest

from service.policy.authorizer import Authorizer
from service.policy.facts import Access, ObjectFlag, Relation
from tests.policy.test_consent_policy import CASE_MANAGER, CLIENT, COUNSELLOR, RECIPIENT, consent

# The partner's rows stand on an open referral (its purpose lasts: tests/policy/
# test_consent_policy.py has the rows for its end).
OPEN = (ObjectFlag.REFERRAL_OPEN,)
PROTECTED = (ObjectFlag.PROTECTED_AREA, ObjectFlag.REFERRAL_OPEN)
RESPONSIBLE = frozenset({Relation.RESPONSIBLE_CASE_MANAGER, Relation.SAME_JOBCENTER})
SUBJECT = frozenset({Relation.DATA_SUBJECT})
VISIBLE = (ObjectFlag.VISIBLE_TO_CLIENT,)

TABLE = [
    # actor, relations, consents, flags, category, may read?
    # --- documents of the integration area: their own category
    (COUNSELLOR, RECIPIENT, (consent("documents"),), OPEN, "documents", True),
    (COUNSELLOR, RECIPIENT, (consent("documents"),), OPEN, "assessment_health", False),
    (COUNSELLOR, RECIPIENT, (consent("assessment_health"),), OPEN, "assessment_health", False),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("assessment_health", explicit=True),),
        OPEN,
        "assessment_health",
        True,
    ),
    # --- the protected area: only under a consent naming protected-area documents
    (COUNSELLOR, RECIPIENT, (consent("documents"),), PROTECTED, "protected_documents", False),
    (COUNSELLOR, RECIPIENT, (consent("documents"),), PROTECTED, "documents", False),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("protected_documents"),),
        PROTECTED,
        "protected_documents",
        True,
    ),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("assessment_health", explicit=True),),
        PROTECTED,
        "assessment_health",
        False,
    ),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("protected_documents", "assessment_health"),),
        PROTECTED,
        "assessment_health",
        False,
    ),
    (
        COUNSELLOR,
        RECIPIENT,
        (consent("protected_documents", "assessment_health", explicit=True),),
        PROTECTED,
        "assessment_health",
        True,
    ),
    # --- staff: the case manager reads the protected area; the client their visible documents
    (CASE_MANAGER, RESPONSIBLE, (), PROTECTED, "protected_documents", True),
    (CASE_MANAGER, RESPONSIBLE, (), PROTECTED, "assessment_addiction", True),
    (CLIENT, SUBJECT, (), VISIBLE, "assessment_health", True),
    (CLIENT, SUBJECT, (), (), "assessment_health", False),
    (CLIENT, SUBJECT, (), VISIBLE, "progress_reports", False),
]


@pytest.mark.parametrize(("actor", "relations", "consents", "flags", "category", "allowed"), TABLE)
def test_policy_row(authorizer, actor, relations, consents, flags, category, allowed):
    access = Access(frozenset(relations), tuple(consents), frozenset(flags))

    assert (category in authorizer.readable_categories(actor, access)) is allowed


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()
