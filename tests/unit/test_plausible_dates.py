"""Every date a command carries lies between 1900-01-01 and 2199-12-31, or the command is
refused with `date_out_of_range` and the field's path; checked once, for every command."""

from __future__ import annotations

from typing import Any

import pytest

from domain import errors
from domain.read_models import read_models
from tests.scenarios import OPEN, Scenario, plan
from tests.unit.test_measures_work import start


def refused_field(scenario: Scenario, command: dict[str, Any]) -> str | None:
    with pytest.raises(errors.DateOutOfRange) as refused:
        scenario.decide(command)
    assert refused.value.code == "date_out_of_range"
    return refused.value.field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"permit_expires_on": "9999-12-31"}, "permit_expires_on"),
        ({"permit_expires_on": "2200-01-01"}, "permit_expires_on"),
        ({"resident_since": "0001-01-01"}, "resident_since"),
        (
            {"beneficiary": {**OPEN["beneficiary"], "birth_date": "1899-12-31"}},
            "beneficiary.birth_date",
        ),
    ],
)
def test_an_opening_with_an_implausible_date_is_refused_by_its_field(
    changes: dict[str, Any], field: str
) -> None:
    assert refused_field(Scenario(), {**OPEN, **changes}) == field


def test_the_first_and_last_plausible_days_are_taken_and_their_deadlines_computed() -> None:
    s = Scenario().given({**OPEN, "permit_expires_on": "2199-12-31"})
    assert s.state.permit_expires_on is not None
    assert read_models(s.state, s.records).obligations  # the crash was computing these
    s = Scenario().given(
        {**OPEN, "beneficiary": {**OPEN["beneficiary"], "birth_date": "1900-01-01"}}
    )
    assert s.state.is_open


def test_dates_deep_inside_a_command_are_found_with_their_path() -> None:
    s = Scenario().assessed()
    command = plan(("italian", "training_course"), ("bike", "mobility"))
    command["measures"][1]["target_date"] = "9999-12-31"
    assert refused_field(s, command) == "measures.1.target_date"

    s = Scenario().active(("wg", "work_grant"))
    details = {
        "kind": "work_grant",
        "host_company": "Sartoria Salentina",
        "tutor": "G. Rizzo",
        "start_on": "2026-04-01",
        "end_on": "9999-09-30",
        "hours_per_week": 20,
        "monthly_allowance": 50000,
    }
    assert refused_field(s, start("wg", **details)) == "details.end_on"
