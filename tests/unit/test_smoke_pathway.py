"""A whole pathway, reception to closure, through the pure decider."""

from domain.values import Stage
from tests.scenarios import CONDITION, SIX_MONTHS, SUPERVISOR, Scenario


def test_pathway_runs_from_reception_to_closure() -> None:
    s = Scenario().active(("wg", "work_grant"), ("ev", "social_event"))
    assert s.state.stage == Stage.ACTIVE
    s.started(
        "ev", {"kind": "social_event", "programme": "Feste di quartiere", "start_on": "2026-03-05"}
    )
    s.given(
        {
            "type": "record_measure_progress",
            "measure_id": "ev",
            "progress": {"kind": "event_participation", "event": "Festa", "on": "2026-03-05"},
        }
    )
    s.given(
        {
            "type": "complete_measure",
            "measure_id": "ev",
            "outcome": {"kind": "social_event", "completed_on": "2026-03-05"},
        }
    )
    s.given(
        {
            "type": "record_exit",
            "reason": "autonomy",
            "outcomes": {**CONDITION, "employment": "employed"},
        }
    )
    s.given(
        {"type": "record_follow_up", "outcomes": {**CONDITION, "employment": "employed"}},
        advance=SIX_MONTHS,
    )
    s.given({"type": "close_pathway"}, SUPERVISOR)
    assert s.state.stage == Stage.CLOSED
    assert s.state.version == len(s.records) == 11
