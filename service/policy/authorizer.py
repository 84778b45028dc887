"""Our small interface in front of Oso, so the engine could be replaced without touching
resolvers (Oso is deprecated by its makers, FIELD-NOTES.md). The policy is loaded once at start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from oso import Oso
from polar import Variable

from service.errors import Forbidden, NotFound
from service.identity.actor import Actor
from service.policy.actions import Action
from service.policy.categories import (
    ALL_CATEGORIES,
    DOCUMENT_CATEGORIES,
    SPECIAL_CATEGORIES,
    DataCategory,
)
from service.policy.facts import Access, ConsentFact
from service.resources import POLICY_FILE
from service.telemetry import names
from service.telemetry.decisions import Decision, policy_decision

# Everything of a case a case manager works with; partners' report texts need a consent first.
# The Auskunft is no case content: only the client and the data-protection officer read it.
CASE_CATEGORIES = sorted(
    ALL_CATEGORIES - {DataCategory.PROGRESS_REPORTS, DataCategory.ACCESS_REPORT}
)


# Policy answers kept per process. The policy is fixed for the process's life and every fact it
# reads is in the (frozen, value-compared) actor and resource, so an answer never goes stale:
# a revoked or expired consent is a different Access. Bounded; cleared whole when full.
ANSWER_CACHE_SIZE = 50_000
T = TypeVar("T")


class Authorizer:
    def __init__(self, policy_file: Path = POLICY_FILE) -> None:
        self._answers: dict[tuple[object, ...], object] = {}
        self._oso = Oso()
        # "Actor" is a Polar built-in; every actor is a signed-in user, so Polar calls it User.
        self._oso.register_class(Actor, name="User")
        self._oso.register_class(Access)
        self._oso.register_class(ConsentFact, name="Consent")
        self._oso.register_constant(sorted(map(str, SPECIAL_CATEGORIES)), "SPECIAL_CATEGORIES")
        self._oso.register_constant(list(map(str, CASE_CATEGORIES)), "CASE_CATEGORIES")
        self._oso.register_constant(sorted(map(str, DOCUMENT_CATEGORIES)), "DOCUMENT_CATEGORIES")
        self._oso.load_files([str(policy_file)])

    def is_allowed(self, actor: Actor, action: Action, resource: object) -> bool:
        with policy_decision(names.SPAN_POLICY_IS_ALLOWED, actor, str(action), resource) as asked:
            asked.allowed = self._remembered(
                ("allow", actor, action, resource),
                lambda: bool(self._oso.is_allowed(actor, str(action), resource)),
                asked,
            )
        return asked.allowed

    def authorize(self, actor: Actor, action: Action, resource: object) -> None:
        if not self.is_allowed(actor, action, resource):
            raise Forbidden()

    def may_write(self, actor: Actor, access: Access) -> bool:
        """Whether `actor` may store a change to the client's data `access` describes (the
        flush-time check of service/audit/writes.py)."""
        return self.is_allowed(actor, Action.CLIENT_DATA_WRITE, access)

    def authorize_seen(
        self, actor: Actor, action: Action, resource: object, *, seen: Action
    ) -> None:
        """`action` on an object looked up by id. Unless the actor may `seen` it (its read
        action), the object does not exist for them: NOT_FOUND, the same answer as for an id of
        another jobcenter or none at all (DESIGN.md: "Not yours is one answer"). Only someone
        who may see it, and so knows it is there, is told FORBIDDEN for an action they may not
        take (a team lead adding a goal to a case they read)."""
        if not self.is_allowed(actor, seen, resource):
            raise NotFound()
        if action is not seen:
            self.authorize(actor, action, resource)

    def readable_categories(self, actor: Actor, access: Access) -> frozenset[str]:
        """The data categories `actor` may read where it stands in `access` (allow_field)."""
        action = str(Action.READ_FIELD)
        with policy_decision(names.SPAN_POLICY_READABLE_CATEGORIES, actor, action, access) as asked:
            categories = self._remembered(
                ("fields", actor, access),
                lambda: frozenset(self._oso.authorized_fields(actor, action, access)),
                asked,
            )
            asked.allowed, asked.categories = bool(categories), len(categories)
        return categories

    def read_ground(self, actor: Actor, access: Access, category: str) -> int | None:
        """Which consent grounds a read of `category` the policy allowed (the `ground` rules):
        its place in `access.consents`, the first that grounds it; None where none does and the
        read stands on the actor's relations. The place, not the consent: equal Accesses differ
        in their consents' ids only, and one answer serves them all."""
        # No span of its own: asked once per situation beside the readable categories, whose
        # span the request already has; the answer is a name for the record, not a decision.
        return self._remembered(
            ("ground", actor, access, category),
            lambda: self._first_ground(actor, access, category),
            Decision(),
        )

    def _first_ground(self, actor: Actor, access: Access, category: str) -> int | None:
        results = self._oso.query_rule("ground", actor, access, category, Variable("consent"))
        for result in results:
            consent = result["bindings"]["consent"]
            # Polar hands back the very objects it was given, so identity finds the place.
            return next(i for i, given in enumerate(access.consents) if given is consent)
        return None

    def _remembered(self, key: tuple[object, ...], ask: Callable[[], T], asked: Decision) -> T:
        try:
            answer = self._answers[key]
        except KeyError:
            pass
        except TypeError:  # a resource that cannot be a key: ask every time
            return ask()
        else:
            asked.cached = True
            return answer  # type: ignore[return-value]
        if len(self._answers) >= ANSWER_CACHE_SIZE:
            self._answers.clear()
        answer = self._answers[key] = ask()
        return answer
