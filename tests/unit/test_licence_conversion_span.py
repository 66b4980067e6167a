"""The licence-conversion deadline takes any span after residence: the law's year or a short one."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from client.parsing import InvalidInput, parse_command
from domain import errors
from domain.calendar import PROJECT_TIMEZONE
from domain.obligations import end_of, obligations
from domain.policy import DEFAULT_POLICY, Deadlines, Policy, PolicyRevision, Span
from infra.policy_file import PolicyFileError, load_policy
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, SUPERVISOR, Scenario, plan
from workers.cli import app

RULE = "licence_conversion is a span after the start of residence, above zero"


def under(licence_conversion: str) -> Policy:
    deadlines = Deadlines.model_validate({"licence_conversion": licence_conversion})
    return Policy(
        policy_id="short",
        revisions=(PolicyRevision(effective_from=date(2026, 1, 1), deadlines=deadlines),),
    )


def conversion_planned(policy: Policy, resident_since: str) -> Scenario:
    """A pathway under `policy`, resident since that day, with a conversion in its plan."""
    opening = {**OPEN, "resident_since": resident_since, "policy": policy.model_dump(mode="json")}
    return (
        Scenario()
        .given(opening)
        .given({"type": "record_baseline", "condition": CONDITION})
        .given(ASSESSMENT)
        .given(plan(("cv", "mobility")))
        .given({"type": "approve_plan"}, SUPERVISOR)
    )


def conversion(start_on: str) -> dict[str, Any]:
    details = {"kind": "mobility", "route": "licence_conversion", "start_on": start_on}
    return {"type": "start_measure", "measure_id": "cv", "details": details}


def licence_due(s: Scenario) -> Any:
    [owed] = [o for o in obligations(s.state) if o.kind == "licence_conversion"]
    return owed.due_at


def test_a_year_of_residence_ends_with_the_same_day_a_year_on() -> None:
    s = conversion_planned(DEFAULT_POLICY, "2025-09-01").given(conversion("2026-03-03"))
    # The start of the next day in Italy: the end of 1 September there.
    assert licence_due(s) == datetime.combine(date(2026, 9, 2), time(), PROJECT_TIMEZONE)
    assert licence_due(s) - end_of(date(2026, 9, 1)) == timedelta(microseconds=1)


def test_a_short_policy_counts_the_conversion_in_hours_from_the_day_residence_began() -> None:
    s = conversion_planned(under("10 hours"), "2026-03-02").given(conversion("2026-03-02"))
    # From the start of the residence day in Italy.
    start = datetime.combine(date(2026, 3, 2), time(), PROJECT_TIMEZONE)
    assert licence_due(s) == start + timedelta(hours=10)


def test_a_policy_of_days_is_as_exact_as_one_of_hours() -> None:
    assert under("365 days").revisions[0].deadlines.licence_conversion == Span(
        duration=timedelta(days=365)
    )
    assert under("5 minutes").revisions[0].deadlines.licence_conversion == Span(
        duration=timedelta(minutes=5)
    )


def test_a_conversion_started_after_a_short_span_has_run_out_is_refused() -> None:
    s = conversion_planned(under("2 days"), "2026-02-20")
    with pytest.raises(errors.LicenceConversionExpired) as refused:
        s.decide(conversion("2026-03-02"))
    assert str(refused.value) == (
        "licence_conversion_expired: a foreign licence can be converted only until 2026-02-21"
    )
    assert s.decide(conversion("2026-02-21"))


@pytest.mark.parametrize("span", ["0 days", "0 months", "-1 months", "-3 hours", "0s"])
def test_a_conversion_span_of_nothing_or_backwards_is_refused_with_one_message(span: str) -> None:
    with pytest.raises(ValidationError) as refused:
        under(span)
    [problem] = refused.value.errors()
    assert problem["loc"] == ("licence_conversion",)
    assert problem["msg"] == f"Value error, {RULE}"


POLICY_FILE = """\
policy_id = "short"

[[revisions]]
effective_from = 2026-01-01

[revisions.deadlines]
licence_conversion = "{span}"
"""


def test_a_policy_file_with_a_conversion_of_nothing_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY_FILE.format(span="0 days"), encoding="utf-8")
    with pytest.raises(PolicyFileError) as refused:
        load_policy(path)
    assert refused.value.line == 7
    assert refused.value.message == f"revisions[0].deadlines.licence_conversion: {RULE}"
    path.write_text(POLICY_FILE.format(span="15 minutes"), encoding="utf-8")
    assert load_policy(path).revisions[0].deadlines.licence_conversion == Span(
        duration=timedelta(minutes=15)
    )


def test_policy_check_refuses_a_conversion_of_nothing_and_takes_minutes(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY_FILE.format(span="-1 months"), encoding="utf-8")
    env = {"PATHWAYS_DATA_DIR": str(tmp_path), "PATHWAYS_LOG_LEVEL": "WARNING"}
    refused = CliRunner().invoke(app, ["policy", "check", str(path)], env=env)
    assert refused.exit_code == 2, refused.output
    assert f"revisions[0].deadlines.licence_conversion: {RULE}" in refused.stderr
    path.write_text(POLICY_FILE.format(span="15 minutes"), encoding="utf-8")
    taken = CliRunner().invoke(app, ["policy", "check", str(path)], env=env)
    assert taken.exit_code == 0, taken.output
    assert "licence_conversion" in taken.stdout and "15 minutes" in taken.stdout


def test_applying_a_policy_with_a_conversion_of_nothing_is_refused_by_its_field() -> None:
    bad = DEFAULT_POLICY.model_dump(mode="json")
    bad["revisions"][0]["deadlines"]["licence_conversion"] = "0 days"
    with pytest.raises(InvalidInput) as refused:
        parse_command({"type": "apply_policy", "policy": bad})
    assert refused.value.code == "invalid_command"
    assert refused.value.field == "policy.revisions.0.deadlines.licence_conversion"
    assert str(refused.value) == f"invalid_command: Value error, {RULE}"
