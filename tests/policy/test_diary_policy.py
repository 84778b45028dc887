"""The diary's policy as tables (STYLE.md habit 3): who reads appointments and case notes where
they stand, and who has a due list."""

from __future__ import annotations

import pytest

from service.policy.actions import Action
from service.policy.authorizer import Authorizer
from service.policy.facts import Relation
from tests.policy.test_case_policy import (
    CASE_MANAGER,
    CLIENT,
    CONTROLLING,
    PLACEMENT_OFFICER,
    TEAM_LEAD,
    at,
    deputy_consent,
)

OWN = at(Relation.DATA_SUBJECT)
RESPONSIBLE = at(Relation.RESPONSIBLE_CASE_MANAGER)
DEPUTY_WITH_CONSENT = at(Relation.DEPUTY_CASE_MANAGER, consents=[deputy_consent()])
DEPUTY_WITHOUT = at(Relation.DEPUTY_CASE_MANAGER)


@pytest.fixture(scope="module")
def authorizer() -> Authorizer:
    return Authorizer()


READS = [
    # actor, access, category, readable
    (CASE_MANAGER, RESPONSIBLE, "case_notes", True),
    (CASE_MANAGER, RESPONSIBLE, "appointments", True),
    (CASE_MANAGER, DEPUTY_WITH_CONSENT, "case_notes", True),
    (CASE_MANAGER, DEPUTY_WITHOUT, "appointments", False),
    (CLIENT, OWN, "appointments", True),
    (CLIENT, OWN, "case_notes", False),
    (TEAM_LEAD, at(), "appointments", False),
    (TEAM_LEAD, at(), "case_notes", False),
    (PLACEMENT_OFFICER, at(Relation.PROPOSER), "appointments", False),
]


@pytest.mark.parametrize(("actor", "access", "category", "readable"), READS)
def test_who_reads_the_diary(authorizer, actor, access, category, readable):
    assert (category in authorizer.readable_categories(actor, access)) is readable


DUE_LIST = [
    (CASE_MANAGER, True),
    (TEAM_LEAD, False),
    (PLACEMENT_OFFICER, False),
    (CONTROLLING, False),
    (CLIENT, False),
]


@pytest.mark.parametrize(("actor", "allowed"), DUE_LIST)
def test_who_has_a_due_list(authorizer, actor, allowed):
    assert authorizer.is_allowed(actor, Action.DUE_LIST_READ, at()) is allowed
