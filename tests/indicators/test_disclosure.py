"""The suppression rules as tables: what may be shown of counts, breakdowns and scopes."""

from __future__ import annotations

import pytest

from service.indicators.disclosure import SUPPRESSED, Figure, breakdown, figure, scope_too_small
from service.settings import SettingsError, load_settings

DEV = {"SERVICE_DEV_MODE": "true"}


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, SUPPRESSED), (4, SUPPRESSED), (5, Figure(5, False)), (12, Figure(12, False))],
)
def test_a_count_below_the_minimum_is_suppressed(count, expected):
    assert figure(count, minimum=5) == expected


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({"a": 6, "b": 7}, set()),  # nothing small
        ({"a": 6, "b": 7, "c": 0}, {"c", "a"}),  # a lone hidden cell is joined by the smallest
        ({"a": 6, "b": 7, "c": 2}, {"c", "a"}),  # 2 alone = total − 13: hide 6 as well
        ({"a": 6, "b": 3, "c": 2}, {"b", "c"}),  # 3 + 2 = 5: not recoverable cell by cell
        ({"a": 3, "b": 1}, {"a", "b"}),  # total 4: everything, total included
    ],
)
def test_a_breakdown_hides_cells_until_they_cannot_be_subtracted_out(counts, hidden):
    total, cells = breakdown(counts, minimum=5)

    assert {key for key, cell in cells.items() if cell.suppressed} == hidden
    assert total.suppressed is (sum(counts.values()) < 5)


@pytest.mark.parametrize(
    ("case_managers", "rest", "too_small"),
    [(5, None, False), (4, None, True), (1, 9, True), (5, 0, False), (5, 1, True), (5, 5, False)],
)
def test_a_scope_needs_enough_case_managers_in_it_and_beside_it(case_managers, rest, too_small):
    assert scope_too_small(case_managers=case_managers, rest_of_jobcenter=rest, minimum=5) is (
        too_small
    )


def test_minimum_group_size_defaults_to_five_and_cannot_go_below_two():
    assert load_settings(DEV).indicators_min_group_size == 5
    assert load_settings({**DEV, "INDICATORS_MIN_GROUP_SIZE": "8"}).indicators_min_group_size == 8
    with pytest.raises(SettingsError, match="INDICATORS_MIN_GROUP_SIZE"):
        load_settings({**DEV, "INDICATORS_MIN_GROUP_SIZE": "1"})
