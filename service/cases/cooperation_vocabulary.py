"""The words of the Kooperationsplan (§ 15 SGB II since 1 July 2023) and of what it replaced.

The domain sources (2004–2009) know only the Eingliederungsvereinbarung, a contract with legal
consequences. Since the Bürgergeld-Gesetz (BGBl. 2022 I S. 2328) § 15 SGB II asks for a
Potenzialanalyse (Abs. 1: strengths and the circumstances that make integration harder), then a
Kooperationsplan drawn up with the client in plain language, which is not a contract and carries
no advice on legal consequences (Abs. 2), reviewed and continued together at the latest after six
months (Abs. 3); binding duties come only as a separate request to act with that advice
(Aufforderung mit Rechtsfolgenbelehrung, Abs. 5 and 6), and a disagreement on drawing the plan up
or continuing it goes, at either side's request, to a Schlichtungsverfahren (§ 15a).

Every plan records the law it was made under (`LegalBasis`): the announced reform of 2026 (the
"Neue Grundsicherung", which would drop § 15a) becomes a new member here, not a rewrite.
"""

from __future__ import annotations

from enum import StrEnum

PLAIN_TEXT_LIMIT = 8000  # the plan as the client reads it: a few pages, no more
POTENTIAL_ITEM_LIMIT = 1000
MAX_POTENTIAL_ITEMS = 40
PLAN_REVIEW_MONTHS = 6  # § 15 Abs. 3 SGB II: spätestens nach Ablauf von sechs Monaten


class LegalBasis(StrEnum):
    """The law a plan was made under, stored as the words a reader of the file expects."""

    KOOPERATIONSPLAN_2023 = "SGB II § 15 (2023)"
    EINGLIEDERUNGSVEREINBARUNG = "Eingliederungsvereinbarung (§ 15 SGB II a. F.)"


class PotentialItemKind(StrEnum):
    STRENGTH = "strength"  # Stärken, Fähigkeiten, Eignung (§ 15 Abs. 1 Satz 1)
    NEED = "need"  # Umstände, die die Eingliederung erschweren (§ 15 Abs. 1 Satz 2)
    CLIENT_VIEW = "client_view"  # die Sicht der leistungsberechtigten Person selbst


class PlanPosition(StrEnum):
    """Whether the client agrees to a version (Einvernehmen, § 15 Abs. 2)."""

    PENDING = "pending"
    AGREED = "agreed"
    DISAGREED = "disagreed"


class ConciliationStatus(StrEnum):
    OPEN = "open"
    AGREED = "agreed"  # the conciliation found a solution
    NOT_AGREED = "not_agreed"  # ended without one


class Requester(StrEnum):
    """Who asked for the Schlichtung (§ 15a: auf Verlangen einer oder beider Seiten)."""

    CLIENT = "client"
    JOBCENTER = "jobcenter"
    BOTH = "both"
