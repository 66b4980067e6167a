"""The commands offered to a person are the ones the decider can accept from them now."""

from __future__ import annotations

from domain.affordances import PEOPLE_COMMANDS, available_commands
from domain.permissions import command_type
from domain.values import Actor, Role
from tests.scenarios import (
    AUDITOR,
    CASEWORKER,
    COMPRESSED,
    COORDINATOR,
    OPEN,
    OTHER_SUPERVISOR,
    START,
    SUPERVISOR,
    Scenario,
)
from tests.workflows.journey import full_journey

LUCA = Actor(id="luca", role=Role.CASEWORKER)


def test_every_step_of_a_full_journey_is_offered_to_whoever_takes_it() -> None:
    scenario = Scenario().given({**OPEN, "policy": COMPRESSED.model_dump(mode="json")})
    for command, actor in full_journey(START.date()):
        offered = available_commands(scenario.state, actor)
        assert command["type"] in offered, (command["type"], actor.id, offered)
        scenario.given(command, actor)
    assert available_commands(scenario.state, SUPERVISOR) == []


def test_each_person_is_offered_what_their_role_and_caseload_allow() -> None:
    state = Scenario().opened().state
    assert available_commands(state, CASEWORKER)[0] == "record_baseline"
    assert "approve_plan" not in available_commands(state, CASEWORKER)
    assert available_commands(state, LUCA) == []
    assert available_commands(state, AUDITOR) == []
    assert "reassign_caseworker" in available_commands(state, SUPERVISOR)
    assert "reassign_caseworker" not in available_commands(state, CASEWORKER)


def test_a_plan_is_offered_for_approval_only_to_someone_other_than_its_proposer() -> None:
    scenario = (
        Scenario()
        .assessed()
        .given(
            {
                "type": "propose_plan",
                "measures": [{"measure_id": "m", "kind": "mobility", "target_date": "2026-12-31"}],
            },
            SUPERVISOR,
        )
    )
    assert "approve_plan" not in available_commands(scenario.state, SUPERVISOR)
    assert {"approve_plan", "reject_plan"} <= set(
        available_commands(scenario.state, OTHER_SUPERVISOR)
    )
    assert "approve_plan" in available_commands(scenario.state, COORDINATOR)
    assert "start_measure" not in available_commands(scenario.state, CASEWORKER)


def test_a_suspended_pathway_offers_resume_notes_and_exit_only() -> None:
    scenario = Scenario().opened().given({"type": "suspend_pathway", "reason": "hospital_stay"})
    assert available_commands(scenario.state, CASEWORKER) == [
        "resume_pathway",
        "add_note",
        "record_exit",
    ]


def test_the_offered_list_names_real_commands() -> None:
    names = [command_type(kind) for kind in PEOPLE_COMMANDS]
    assert len(names) == len(set(names)) == 33


def test_consents_are_offered_after_the_notice_and_withdrawals_while_one_is_active() -> None:
    scenario = Scenario().opened()
    offered = available_commands(scenario.state, CASEWORKER)
    assert "record_privacy_notice" in offered
    assert "give_consent" not in offered and "withdraw_consent" not in offered
    notice = {"type": "record_privacy_notice", "given_on": "2026-03-02", "language": "it"}
    scenario.given({**notice, "version": "2026-01"})
    assert "give_consent" in available_commands(scenario.state, SUPERVISOR)
    scenario.given(
        {
            "type": "give_consent",
            "recipients": [{"kind": "partner", "id": "cpia-lecce"}],
            "purpose": "measure_delivery",
            "given_on": "2026-03-02",
        }
    ).given({"type": "suspend_pathway", "reason": "hospital_stay"})
    assert "withdraw_consent" in available_commands(scenario.state, CASEWORKER)
    assert "give_consent" not in available_commands(scenario.state, CASEWORKER)
    assert available_commands(scenario.state, AUDITOR) == []


def test_figure_commands_are_offered_when_there_is_a_figure_or_a_month_to_act_on() -> None:
    from tests.unit.test_partner_records import tutored

    scenario = tutored()
    offered = available_commands(scenario.state, CASEWORKER)
    assert {"dispute_figure", "correct_attendance"} <= set(offered)
    assert "resolve_dispute" not in offered
    scenario.given({"type": "dispute_figure", "figure_id": "wg.0", "reason": "No"})
    offered = available_commands(scenario.state, CASEWORKER)
    assert "resolve_dispute" in offered and "dispute_figure" not in offered
