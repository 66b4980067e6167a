"""The plan of the escalation burst: N ladders due inside one whole second.

A ladder falls due a whole number of seconds after the instant its opening is recorded,
which the worker decides. The plan counts the span from the second the opening is sent in;
an opening recorded in a later second is a stray, replaced. Simulated here with recording
delays drawn at random: every ladder kept is due inside the window, and only strays miss.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bench.due_window import in_window, span_seconds, wait_for_middle, window_start

NOW = datetime(2026, 12, 6, 18, 0, 0, 250_000, tzinfo=UTC)


def test_the_window_opens_on_a_whole_second_at_least_the_lead_away() -> None:
    assert window_start(NOW, 10) == datetime(2026, 12, 6, 18, 0, 11, tzinfo=UTC)
    whole = NOW.replace(microsecond=0)
    assert window_start(whole, 10) == whole + timedelta(seconds=10)


def test_the_span_counts_from_the_second_the_opening_is_sent_in() -> None:
    start = window_start(NOW, 10)
    assert span_seconds(NOW, start) == 11
    assert span_seconds(NOW + timedelta(seconds=0.7), start) == 11
    with pytest.raises(ValueError, match="not a whole second"):
        span_seconds(NOW, start + timedelta(milliseconds=1))
    with pytest.raises(ValueError, match="not a whole second"):
        span_seconds(start, start)


def test_the_window_holds_one_second_from_its_start() -> None:
    start = window_start(NOW, 10)
    assert in_window(start, start)
    assert in_window(start + timedelta(microseconds=999_999), start)
    assert not in_window(start + timedelta(seconds=1), start)
    assert not in_window(start - timedelta(microseconds=1), start)


def test_an_opening_waits_for_the_middle_of_a_second() -> None:
    assert wait_for_middle(NOW, 0.25) == 0
    assert wait_for_middle(NOW, 0.3) == pytest.approx(0.05)
    assert wait_for_middle(NOW + timedelta(seconds=0.6), 0.25) == pytest.approx(0.4)
    assert wait_for_middle(NOW + timedelta(seconds=0.5), 0.25) == 0
    with pytest.raises(ValueError, match="share of a second"):
        wait_for_middle(NOW, 0.5)


def test_every_ladder_kept_falls_due_inside_the_window_and_strays_are_replaced() -> None:
    draw = random.Random(25)
    start = window_start(NOW, 60)
    wanted, kept, strays = 1000, [], 0
    clock = NOW
    while len(kept) < wanted:
        clock += timedelta(seconds=draw.uniform(0, 0.05))
        clock += timedelta(seconds=wait_for_middle(clock, 0.25))
        span = span_seconds(clock, start)
        recorded = clock + timedelta(seconds=draw.expovariate(1 / 0.2))  # the worker's delay
        due = recorded + timedelta(seconds=span)
        if in_window(due, start):
            kept.append(due)
        else:
            strays += 1
            assert recorded.replace(microsecond=0) > clock.replace(microsecond=0)
    assert len(kept) == wanted and strays > 0
    assert max(kept) - min(kept) < timedelta(seconds=1)


def test_predicting_the_worker_s_delay_keeps_a_loaded_opening_in_its_window() -> None:
    """Openings recorded 1.3 s after their send, give or take 0.2 s, as on a loaded
    machine: counting from the send's second would miss nearly every time; counting from
    the send plus the delay the last openings took misses rarely."""
    draw = random.Random(7)
    start = window_start(NOW, 60)
    clock, delays, kept, strays = NOW, [0.0], 0, 0
    while kept < 200:
        ahead = timedelta(seconds=sorted(delays[-9:])[len(delays[-9:]) // 2])
        clock += timedelta(seconds=draw.uniform(0, 0.05))
        clock += timedelta(seconds=wait_for_middle(clock + ahead, 0.25))
        span = span_seconds(clock + ahead, start)
        recorded = clock + timedelta(seconds=draw.gauss(1.3, 0.1))
        delays.append((recorded - clock).total_seconds())
        if in_window(recorded + timedelta(seconds=span), start):
            kept += 1
        else:
            strays += 1
    assert strays < 20
