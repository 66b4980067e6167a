"""Obligations derived from state: the default deadlines of DESIGN.md."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.calendar import PROJECT_TIMEZONE, end_of_day
from domain.decider import decide
from domain.obligations import (
    BEFORE_ITALIAN_TIME,
    ladder_points,
    next_deadline,
    obligations,
    owed,
)
from domain.read_models import read_models
from domain.stream import record_events, stream_id_for
from domain.values import SYSTEM_DEADLINES
from tests.scenarios import CASEWORKER, CONDITION, PATHWAY_ID, SUPERVISOR, Scenario, plan
from tests.unit.test_measures_housing_social import HOSTING
from tests.unit.test_measures_work import WORK_GRANT, progress, start


def kinds(s: Scenario) -> dict[str, datetime]:
    return {o.obligation_id: o.due_at for o in obligations(s.state)}


def test_reception_owes_the_baseline_within_seven_days() -> None:
    s = Scenario().opened()
    assert kinds(s)["baseline"] == s.state.opened_at + timedelta(days=7)  # type: ignore[operator]
    assert next_deadline(s.state) == kinds(s)["baseline"]


def test_each_stage_owes_its_next_step() -> None:
    s = Scenario().opened().given({"type": "record_baseline", "condition": CONDITION})
    assert "skills_assessment" in kinds(s)
    s = Scenario().assessed()
    assert "plan_proposal" in kinds(s)
    s.given(
        {
            "type": "propose_plan",
            "measures": [{"measure_id": "a", "kind": "mobility", "target_date": "2026-12-31"}],
        }
    )
    assert "plan_approval" in kinds(s) and "plan_proposal" not in kinds(s)


def test_active_pathways_owe_measure_targets_attendance_and_the_end() -> None:
    s = Scenario().active(("wg", "work_grant"), ("home", "housing_placement"))
    s.given(start("wg", **WORK_GRANT)).given(start("home", **HOSTING))
    s.given(progress("home", kind="moved_in", on="2026-03-04", at="10:00"))
    owed = kinds(s)
    # "By day D" is the end of D in Italy: 5 May (summer time), 2 March 2027 (winter time).
    assert owed["measure:wg:attendance:2026-04"] == end_of_day(date(2026, 5, 5))
    # 48 hours from the move-in at 10:00 in Italy (09:00 UTC).
    assert owed["measure:home:hosting_communication"] == datetime(2026, 3, 6, 9, tzinfo=UTC)
    assert owed["pathway_end"] == end_of_day(date(2027, 3, 2))
    assert owed["permit_renewal"] == end_of_day(date(2028, 5, 1))
    s.given(
        progress("home", kind="hosting_communication_sent", on="2026-03-05", authority="Questura")
    )
    assert "measure:home:hosting_communication" not in kinds(s)


def test_exit_owes_a_follow_up_after_six_months() -> None:
    s = (
        Scenario()
        .opened()
        .given({"type": "record_exit", "reason": "dropped_out", "outcomes": CONDITION})
    )
    assert s.state.exit is not None
    assert kinds(s) == {"follow_up": s.state.exit.at.replace(month=s.state.exit.at.month + 6)}


def test_read_models_summarise_the_state() -> None:
    s = Scenario().active(("a", "mobility"), ("b", "social_event"))
    update = read_models(s.state)
    assert update.summary.stage == "active" and update.summary.measures_planned == 2
    assert update.summary.next_deadline == update.obligations[0].due_at


def test_a_measure_due_by_15_june_falls_due_at_midnight_in_italy_not_at_two_in_the_morning() -> (
    None
):
    s = Scenario().assessed().given(plan(("bike", "mobility"), target=date(2026, 6, 15)))
    s.given({"type": "approve_plan"}, SUPERVISOR)

    due = kinds(s)["measure:bike:target"]

    assert due.astimezone(PROJECT_TIMEZONE).date() == date(2026, 6, 15)
    assert due == datetime(2026, 6, 15, 21, 59, 59, 999999, tzinfo=UTC)
    assert [p.at for p in ladder_points(s.state) if p.step.step == "supervisor"][:1] != [
        datetime(2026, 6, 16, tzinfo=UTC)
    ]


def test_a_workflow_that_began_when_days_ended_in_utc_keeps_that_day_until_it_continues() -> None:
    s = Scenario().assessed().given(plan(("bike", "mobility"), target=date(2026, 6, 15)))
    s.given({"type": "approve_plan"}, SUPERVISOR)

    before = {
        o.obligation.obligation_id: o.obligation.due_at for o in owed(s.state, BEFORE_ITALIAN_TIME)
    }

    assert before["measure:bike:target"] == datetime(2026, 6, 16, tzinfo=UTC)


def test_steps_climbed_when_days_ended_in_utc_are_not_climbed_again_in_italian_days() -> None:
    s = Scenario().assessed().given(plan(("bike", "mobility"), target=date(2026, 6, 15)))
    s.given({"type": "approve_plan"}, SUPERVISOR)
    # The reminder and the supervisor's step, taken by a workflow that began before the change.
    s.now = datetime(2026, 6, 16, 0, 0, 1, tzinfo=UTC)
    s.records += record_events(
        stream_id_for(PATHWAY_ID),
        len(s.records),
        s.envelope({"type": "run_deadlines"}, SYSTEM_DEADLINES),
        decide(
            s.state,
            s.envelope({"type": "run_deadlines"}, SYSTEM_DEADLINES),
            s.now,
            timekeeping=BEFORE_ITALIAN_TIME,
        ),
        s.now,
    )
    left = [
        p.step.step
        for p in ladder_points(s.state, BEFORE_ITALIAN_TIME)
        if p.obligation.kind == "measure_target"
    ]
    assert left == ["coordinator"]

    left = [p.step.step for p in ladder_points(s.state) if p.obligation.kind == "measure_target"]
    assert left == ["coordinator"]

    # The coordinator's step, taken in Italian days, keeps the two before it.
    s.now = datetime(2026, 6, 23, tzinfo=UTC)
    s.given({"type": "run_deadlines"}, SYSTEM_DEADLINES, advance=timedelta())
    mark = s.state.ladder["measure:bike:target"]
    assert mark.steps == ("reminder", "supervisor", "coordinator")
    assert [p for p in ladder_points(s.state) if p.obligation.kind == "measure_target"] == []


def test_a_move_in_at_2230_italian_time_is_due_at_2230_two_days_later() -> None:
    s = Scenario().active(("home", "housing_placement")).given(start("home", **HOSTING))
    s.given(progress("home", kind="moved_in", on="2026-12-06", at="22:30"))

    due = kinds(s)["measure:home:hosting_communication"]

    assert due == datetime(2026, 12, 8, 22, 30, tzinfo=PROJECT_TIMEZONE)
    assert due.astimezone(UTC) == datetime(2026, 12, 8, 21, 30, tzinfo=UTC)


def test_a_move_in_recorded_before_its_time_was_asked_still_counts_from_its_day() -> None:
    """Old events have no time: they keep the instant they were given (00:00 UTC)."""
    s = Scenario().active(("home", "housing_placement")).given(start("home", **HOSTING))
    s.now = datetime(2026, 3, 4, 12, tzinfo=UTC)  # a move-in is recorded once it happened
    envelope = s.envelope(
        progress("home", kind="moved_in", on="2026-03-04", at="10:00"), CASEWORKER
    )
    records = record_events(
        stream_id_for(PATHWAY_ID), len(s.records), envelope, decide(s.state, envelope, s.now), s.now
    )
    old = records[0].model_copy(
        update={"data": {**records[0].data, "progress": {"kind": "moved_in", "on": "2026-03-04"}}}
    )
    s.records.append(old)

    assert kinds(s)["measure:home:hosting_communication"] == datetime(2026, 3, 6, tzinfo=UTC)
