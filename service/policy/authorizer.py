"""Our small interface in front of Oso, so the engine could be replaced without touching
resolvers (Oso is deprecated by its makers, FIELD-NOTES.md). The policy is loaded once at start.
"""

from __future__ import annotations

from pathlib import Path

from oso import Oso

from service.errors import Forbidden
from service.identity.actor import Actor
from service.policy.actions import Action
from service.policy.categories import ALL_CATEGORIES, SPECIAL_CATEGORIES, DataCategory
from service.policy.facts import Access, ConsentFact
from service.telemetry import names
from service.telemetry.decisions import policy_decision

POLICY_FILE = Path(__file__).resolve().parents[2] / "policies.polar"

# Everything of a case a case manager works with; partners' report texts need a consent first.
# The Auskunft is no case content: only the client and the data-protection officer read it.
CASE_CATEGORIES = sorted(
    ALL_CATEGORIES - {DataCategory.PROGRESS_REPORTS, DataCategory.ACCESS_REPORT}
)


class Authorizer:
    def __init__(self, policy_file: Path = POLICY_FILE) -> None:
        self._oso = Oso()
        # "Actor" is a Polar built-in; every actor is a signed-in user, so Polar calls it User.
        self._oso.register_class(Actor, name="User")
        self._oso.register_class(Access)
        self._oso.register_class(ConsentFact, name="Consent")
        self._oso.register_constant(sorted(map(str, SPECIAL_CATEGORIES)), "SPECIAL_CATEGORIES")
        self._oso.register_constant(list(map(str, CASE_CATEGORIES)), "CASE_CATEGORIES")
        self._oso.load_files([str(policy_file)])

    def is_allowed(self, actor: Actor, action: Action, resource: object) -> bool:
        with policy_decision(names.SPAN_POLICY_IS_ALLOWED, actor, str(action), resource) as asked:
            asked.allowed = bool(self._oso.is_allowed(actor, str(action), resource))
        return asked.allowed

    def authorize(self, actor: Actor, action: Action, resource: object) -> None:
        if not self.is_allowed(actor, action, resource):
            raise Forbidden()

    def readable_categories(self, actor: Actor, access: Access) -> frozenset[str]:
        """The data categories `actor` may read where it stands in `access` (allow_field)."""
        action = str(Action.READ_FIELD)
        with policy_decision(names.SPAN_POLICY_READABLE_CATEGORIES, actor, action, access) as asked:
            categories = frozenset(self._oso.authorized_fields(actor, action, access))
            asked.allowed, asked.categories = bool(categories), len(categories)
        return categories
