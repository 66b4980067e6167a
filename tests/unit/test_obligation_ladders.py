"""What `pathways show --json` and the API's pathway state say about each ladder."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.decider import decide
from domain.obligation_ladders import open_obligations
from domain.obligations import BEFORE_ITALIAN_TIME
from domain.stream import record_events, stream_id_for
from domain.values import SYSTEM_DEADLINES
from tests.scenarios import PATHWAY_ID, SUPERVISOR, Scenario, plan


def ladder_climbed_in_utc_days() -> Scenario:
    """A measure due by 15 June whose reminder and supervisor's step a workflow that began
    when days ended at 00:00 UTC took, at 00:00:01 UTC on 16 June."""
    s = Scenario().assessed().given(plan(("bike", "mobility"), target=date(2026, 6, 15)))
    s.given({"type": "approve_plan"}, SUPERVISOR)
    s.now = datetime(2026, 6, 16, 0, 0, 1, tzinfo=UTC)
    envelope = s.envelope({"type": "run_deadlines"}, SYSTEM_DEADLINES)
    events = decide(s.state, envelope, s.now, timekeeping=BEFORE_ITALIAN_TIME)
    s.records += record_events(stream_id_for(PATHWAY_ID), len(s.records), envelope, events, s.now)
    return s


def ladder_of(s: Scenario, obligation_id: str) -> tuple[list[str], str | None]:
    (found,) = [o for o in open_obligations(s.state, s.records) if o.obligation_id == obligation_id]
    following = found.ladder.next
    return [t.step for t in found.ladder.taken], following.step if following else None


def test_steps_climbed_when_days_ended_in_utc_are_shown_taken_in_italian_days() -> None:
    s = ladder_climbed_in_utc_days()

    assert ladder_of(s, "measure:bike:target") == (["reminder", "supervisor"], "coordinator")


def test_a_ladder_finished_in_italian_days_shows_the_steps_taken_in_utc_days_too() -> None:
    s = ladder_climbed_in_utc_days()
    s.now = datetime(2026, 6, 23, tzinfo=UTC)
    s.given({"type": "run_deadlines"}, SYSTEM_DEADLINES, advance=timedelta())

    assert ladder_of(s, "measure:bike:target") == (
        ["reminder", "supervisor", "coordinator"],
        None,
    )
