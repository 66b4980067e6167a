"""Which commands a throughput window counts: those answered inside it, whenever sent.

No timing: the commands run on a fake clock (each client's replies at fixed latencies), so
the counts are exact and the test is instant.
"""

from __future__ import annotations

import random

import pytest

from bench.window import Sent, answered_within

WINDOW = (100.0, 110.0)
"""A ten-second window after a warm-up, as the suite's rounds were before issue 25."""


def closed_loop_on_a_fake_clock(clients: int, latency: float, seed: int) -> list[Sent]:
    """Every reply of `clients` closed-loop clients whose commands each take `latency`
    seconds, from time 0 to past the window; the clients start out of step."""
    phases = random.Random(seed)
    sent = []
    for _ in range(clients):
        at = phases.uniform(0, latency)
        while at < WINDOW[1] + latency:
            sent.append(Sent(at, at + latency))
            at += latency
    return sent


def old_rule(sent: list[Sent], start: float, end: float) -> list[Sent]:
    """Before issue 25: a command counted only if both sent and answered in the window."""
    return [s for s in sent if s.started >= start and s.done <= end]


def test_counting_answers_in_the_window_gives_the_true_rates_where_the_old_rule_did_not() -> None:
    # The published 200-client case: the pathway answers in about 4.6 s, bare in 2.65 s.
    slow = closed_loop_on_a_fake_clock(200, 4.6, seed=1)
    fast = closed_loop_on_a_fake_clock(200, 2.65, seed=2)
    seconds = WINDOW[1] - WINDOW[0]
    true_slow, true_fast = 200 / 4.6, 200 / 2.65
    true_ratio = true_slow / true_fast

    old_slow = len(old_rule(slow, *WINDOW)) / seconds
    old_fast = len(old_rule(fast, *WINDOW)) / seconds
    new_slow = len(answered_within(slow, *WINDOW)) / seconds
    new_fast = len(answered_within(fast, *WINDOW)) / seconds

    # The old rule loses the command in flight at each end: more of the slower side's.
    assert old_slow < 0.6 * true_slow
    assert old_fast < 0.8 * true_fast
    assert old_slow / old_fast < 0.85 * true_ratio
    # The new one counts each client's replies in the window: the true rates, give or take
    # one reply per client at the edges.
    assert new_slow == pytest.approx(true_slow, rel=0.05)
    assert new_fast == pytest.approx(true_fast, rel=0.05)
    assert new_slow / new_fast == pytest.approx(true_ratio, rel=0.05)


def test_a_command_answered_in_the_window_counts_whenever_it_was_sent() -> None:
    sent = [Sent(95.0, 101.0), Sent(101.0, 109.9), Sent(109.0, 110.0), Sent(99.0, 99.9)]
    assert answered_within(sent, *WINDOW) == sent[:2]
    assert sent[0].latency == 6.0
