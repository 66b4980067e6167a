"""The 10 points of a pathway's age at which as-of is measured: the last is its whole life."""

from __future__ import annotations

import pytest

from bench.as_of import age_points


def test_ten_points_from_a_tenth_to_the_whole_of_the_events() -> None:
    assert age_points(1000) == [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]
    assert age_points(40) == [4, 8, 12, 16, 20, 24, 28, 32, 36, 40]


def test_uneven_counts_round_up_and_still_end_on_the_last_event() -> None:
    points = age_points(15)
    assert points == [2, 3, 5, 6, 8, 9, 11, 12, 14, 15]
    assert points == sorted(set(points))


def test_fewer_events_than_points_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot give 10 points"):
        age_points(9)
