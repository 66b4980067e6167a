"""Opening, baseline, assessment, exit, follow-up, closure: the stage machine."""

from __future__ import annotations

import pytest

from domain import errors
from domain.events import BaselineRecorded, PathwayOpened, SkillsAssessmentRecorded
from domain.values import Stage
from tests.scenarios import (
    ASSESSMENT,
    AUDITOR,
    CASEWORKER,
    CONDITION,
    OPEN,
    SIX_MONTHS,
    SUPERVISOR,
    Scenario,
)

EXIT = {
    "type": "record_exit",
    "reason": "autonomy",
    "outcomes": {**CONDITION, "employment": "employed"},
}
FOLLOW_UP = {"type": "record_follow_up", "outcomes": {**CONDITION, "employment": "employed"}}


def test_opening_records_the_beneficiary_and_enters_reception() -> None:
    events = Scenario().decide(OPEN)
    assert len(events) == 1 and isinstance(events[0], PathwayOpened)
    state = Scenario().opened().state
    assert state.stage == Stage.RECEPTION and state.caseworker_id == "anna"
    assert state.household.minors[0].minor_id == "m1"


def test_opening_twice_is_refused() -> None:
    with pytest.raises(errors.PathwayAlreadyOpen):
        Scenario().opened().decide(OPEN)


def test_a_caseworker_opens_only_for_their_own_caseload() -> None:
    with pytest.raises(errors.NotAssignedCaseworker):
        Scenario().decide({**OPEN, "caseworker_id": "luca"})


def test_a_supervisor_may_open_for_a_caseworker() -> None:
    assert Scenario().decide({**OPEN, "caseworker_id": "luca"}, SUPERVISOR)


def test_an_auditor_changes_nothing() -> None:
    with pytest.raises(errors.RoleForbidden):
        Scenario().decide(OPEN, AUDITOR)
    with pytest.raises(errors.RoleForbidden):
        Scenario().opened().decide({"type": "add_note", "text": "x"}, AUDITOR)


def test_commands_before_opening_are_refused() -> None:
    with pytest.raises(errors.PathwayNotFound):
        Scenario().decide({"type": "record_baseline", "condition": CONDITION})


def test_another_caseworker_cannot_act_on_the_pathway() -> None:
    from domain.values import Actor, Role

    with pytest.raises(errors.NotAssignedCaseworker):
        Scenario().opened().decide(
            {"type": "add_note", "text": "x"}, Actor(id="luca", role=Role.CASEWORKER)
        )


def test_baseline_moves_to_assessment_and_assessment_to_planning() -> None:
    s = Scenario().opened()
    assert isinstance(
        s.decide({"type": "record_baseline", "condition": CONDITION})[0], BaselineRecorded
    )
    s.given({"type": "record_baseline", "condition": CONDITION})
    assert s.state.stage == Stage.ASSESSMENT and s.state.baseline is not None
    assert isinstance(s.decide(ASSESSMENT)[0], SkillsAssessmentRecorded)
    s.given(ASSESSMENT)
    assert s.state.stage == Stage.PLANNING and s.state.assessment is not None


@pytest.mark.parametrize(
    ("command", "stage_reached"),
    [
        ({"type": "record_baseline", "condition": CONDITION}, "assessment"),
        (ASSESSMENT, "reception"),
        ({"type": "approve_plan"}, "reception"),
        (FOLLOW_UP, "reception"),
        ({"type": "close_pathway", "reason": "x"}, "reception"),
    ],
)
def test_stage_bound_commands_are_refused_elsewhere(
    command: dict[str, object], stage_reached: str
) -> None:
    s = Scenario().opened()
    if stage_reached == "assessment":
        s.given(command)
    with pytest.raises(errors.WrongStage):
        s.decide(command, SUPERVISOR if command["type"] == "approve_plan" else CASEWORKER)


def test_baseline_cannot_be_recorded_twice() -> None:
    with pytest.raises(errors.WrongStage):
        Scenario().assessed().decide({"type": "record_baseline", "condition": CONDITION})


def test_exit_follow_up_and_closure() -> None:
    s = Scenario().active(("ev", "social_event")).given(EXIT)
    assert s.state.stage == Stage.EXIT and s.state.exit is not None
    assert s.state.exit.outcomes.employment == "employed"
    s.given(FOLLOW_UP, advance=SIX_MONTHS)
    assert s.state.stage == Stage.FOLLOW_UP
    s.given({"type": "close_pathway"}, SUPERVISOR)
    assert s.state.stage == Stage.CLOSED


def test_exit_is_possible_from_any_stage_in_progress() -> None:
    s = Scenario().opened().given({**EXIT, "reason": "dropped_out"})
    assert s.state.stage == Stage.EXIT


def test_closing_without_follow_up_needs_a_reason() -> None:
    s = Scenario().opened().given({**EXIT, "reason": "transferred"})
    with pytest.raises(errors.ReasonRequired):
        s.decide({"type": "close_pathway"})
    assert s.decide({"type": "close_pathway", "reason": "Transferred to SAI Bari"})


def test_expiry_is_recorded_only_once_the_end_date_has_passed() -> None:
    s = Scenario().active(("ev", "social_event"))
    with pytest.raises(errors.PathwayNotExpired):
        s.decide({**EXIT, "reason": "expired"})


@pytest.mark.parametrize(
    "command",
    [
        {"type": "add_note", "text": "late"},
        {"type": "record_baseline", "condition": CONDITION},
        {"type": "close_pathway", "reason": "again"},
        {"type": "resume_pathway"},
        OPEN,
    ],
)
def test_nothing_is_accepted_on_a_closed_pathway(command: dict[str, object]) -> None:
    s = (
        Scenario()
        .opened()
        .given({**EXIT, "reason": "revoked"})
        .given({"type": "close_pathway", "reason": "Revoked"})
    )
    expected = errors.PathwayAlreadyOpen if command is OPEN else errors.PathwayClosed
    with pytest.raises(expected):
        s.decide(command)
