"""Obligations derived from state: the default deadlines of DESIGN.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.obligations import next_deadline, obligations
from domain.read_models import read_models
from tests.scenarios import CONDITION, Scenario
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
    s.given(progress("home", kind="moved_in", on="2026-03-04"))
    owed = kinds(s)
    assert owed["measure:wg:attendance:2026-04"] == datetime(2026, 5, 6, tzinfo=UTC)
    assert owed["measure:home:hosting_communication"] == datetime(2026, 3, 6, tzinfo=UTC)
    assert owed["pathway_end"] == datetime(2027, 3, 3, tzinfo=UTC)
    assert owed["permit_renewal"] == datetime(2028, 5, 2, tzinfo=UTC)
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
