"""A policy's preview: which open obligations of a pathway it moves, by the pathway's own rule."""

from __future__ import annotations

from datetime import date, timedelta

from domain.policy import DEFAULT_POLICY, Deadlines, Policy, PolicyRevision, Span
from domain.policy_preview import moved_deadlines
from tests.scenarios import OPEN, Scenario


def with_deadlines(**spans: Span) -> Policy:
    return Policy(
        policy_id="proposed",
        revisions=(PolicyRevision(effective_from=date(2000, 1, 1), deadlines=Deadlines(**spans)),),
    )


def test_a_longer_baseline_moves_the_baseline_s_due_instant_by_as_much() -> None:
    state = Scenario().given(OPEN).state
    moved = moved_deadlines(state, with_deadlines(baseline=Span(duration=timedelta(days=10))))
    assert [(m.obligation_id, m.kind) for m in moved] == [("baseline", "baseline")]
    assert moved[0].before is not None and moved[0].after is not None
    assert moved[0].after - moved[0].before == timedelta(days=3)


def test_the_policy_in_force_or_one_that_moves_nothing_open_moves_nothing() -> None:
    state = Scenario().given(OPEN).state
    assert state.policy == DEFAULT_POLICY
    assert moved_deadlines(state, DEFAULT_POLICY) == []
    untouched = with_deadlines(follow_up=Span(months=7))  # no exit yet: nothing owed by it
    assert untouched != DEFAULT_POLICY
    assert moved_deadlines(state, untouched) == []
