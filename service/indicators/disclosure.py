"""Statistical disclosure control for indicators: no figure over a small group comes out.

domain/002: evaluation data is never related to single employees; DESIGN.md: never below a
minimum group size. Three rules, each against a way a small group could be read off:

1. A scope (the jobcenter, or a team) with fewer case managers than the minimum shows nothing:
   its figures would describe one or two people's work. A team is also withheld when the rest of
   the jobcenter has fewer (but some) case managers, because jobcenter minus team would show them.
2. A count below the minimum is suppressed (primary suppression), zero included: a count is a
   figure over the group it counts.
3. In a breakdown shown beside its total (closures by reason), suppressed cells must not be
   recoverable by subtraction: more cells are suppressed, smallest first, until the suppressed
   cells together hold zero or at least the minimum (secondary suppression).

What remains is differencing across periods; periods are therefore whole calendar months, so any
difference of two periods is itself a queryable period, suppressed by the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Figure:
    value: int | None
    suppressed: bool


SUPPRESSED = Figure(value=None, suppressed=True)


def scope_too_small(*, case_managers: int, rest_of_jobcenter: int | None, minimum: int) -> bool:
    """Rule 1. `rest_of_jobcenter` is None for the jobcenter as a whole."""
    if case_managers < minimum:
        return True
    return rest_of_jobcenter is not None and 0 < rest_of_jobcenter < minimum


def figure(count: int, *, minimum: int) -> Figure:
    """Rule 2."""
    return SUPPRESSED if count < minimum else Figure(value=count, suppressed=False)


def breakdown(counts: Mapping[K, int], *, minimum: int) -> tuple[Figure, dict[K, Figure]]:
    """Rules 2 and 3: the total and its cells."""
    total = sum(counts.values())
    if total < minimum:
        return SUPPRESSED, {key: SUPPRESSED for key in counts}
    hidden = {key for key, count in counts.items() if count < minimum}
    shown_smallest_first = sorted(
        (key for key in counts if key not in hidden), key=lambda key: counts[key]
    )
    # Terminates: all cells hidden sum to the total, which is at least the minimum.
    while 0 < sum(counts[key] for key in hidden) < minimum or len(hidden) == 1:
        if not shown_smallest_first:
            break
        hidden.add(shown_smallest_first.pop(0))
    cells = {
        key: SUPPRESSED if key in hidden else Figure(value=count, suppressed=False)
        for key, count in counts.items()
    }
    return Figure(value=total, suppressed=False), cells
