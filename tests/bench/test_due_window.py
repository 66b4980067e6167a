"""The plan of the escalation burst: N ladders due inside one whole second.

A ladder falls due a whole number of seconds after the instant its opening is recorded,
which the worker decides. The plan reads that instant back and moves the baseline to the
span that ends inside the window: checked here against openings recorded at random
instants, every one of them falls due inside it.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bench.due_window import in_window, span_into_window, window_start

NOW = datetime(2026, 12, 6, 18, 0, 0, 250_000, tzinfo=UTC)


def test_the_window_opens_on_a_whole_second_at_least_the_lead_away() -> None:
    assert window_start(NOW, 10) == datetime(2026, 12, 6, 18, 0, 11, tzinfo=UTC)
    whole = NOW.replace(microsecond=0)
    assert window_start(whole, 10) == whole + timedelta(seconds=10)


def test_the_window_holds_one_second_from_its_start() -> None:
    start = window_start(NOW, 10)
    assert in_window(start, start)
    assert in_window(start + timedelta(microseconds=999_999), start)
    assert not in_window(start + timedelta(seconds=1), start)
    assert not in_window(start - timedelta(microseconds=1), start)


def test_the_span_is_the_gap_to_the_window_rounded_up() -> None:
    start = window_start(NOW, 10)  # 18:00:11
    assert span_into_window(NOW, start) == 11  # 10.75 s
    assert span_into_window(start - timedelta(seconds=3), start) == 3  # a whole gap
    assert span_into_window(start - timedelta(microseconds=1), start) == 1
    for wrong in (start, start + timedelta(seconds=2)):
        with pytest.raises(ValueError, match="opens before the opening"):
            span_into_window(wrong, start)


def test_every_opening_moved_falls_due_inside_the_window() -> None:
    """A thousand openings recorded at any microsecond of the minute before the window:
    each one's baseline, moved by the span, is due inside it; none strays."""
    draw = random.Random(25)
    start = window_start(NOW, 60)
    dues = []
    for _ in range(1000):
        opened = NOW + timedelta(microseconds=draw.randrange(59_000_000))
        dues.append(opened + timedelta(seconds=span_into_window(opened, start)))
    assert all(in_window(due, start) for due in dues)
    assert max(dues) - min(dues) < timedelta(seconds=1)
