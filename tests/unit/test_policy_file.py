"""Policy files: the shipped default is the domain's default; a bad file is refused by line."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from domain.policy import DEFAULT_POLICY, Deadlines, LadderStep, Policy, Span
from domain.values import Role
from infra.policy_file import PolicyFileError, load_policy

SECONDS_POLICY = """\
# Deadlines of seconds, for a pathway that escalates while you watch.
policy_id = "seconds"

[[revisions]]
effective_from = 2026-01-01

[revisions.deadlines]
baseline = "12 seconds"
skills_assessment = "30s"

[[revisions.ladder]]
step = "reminder"
offset = "-4 seconds"
notify = "caseworker"
escalation = false

[[revisions.ladder]]
step = "supervisor"
offset = "0s"
notify = "supervisor"
escalation = true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def loaded(tmp_path: Path, text: str) -> Policy:
    return load_policy(write(tmp_path, text))


def refusal(tmp_path: Path, text: str) -> PolicyFileError:
    path = write(tmp_path, text)
    with pytest.raises(PolicyFileError) as caught:
        load_policy(path)
    assert str(caught.value).startswith(f"{path}, line {caught.value.line}: "), caught.value
    return caught.value


def line_holding(text: str, fragment: str) -> int:
    """The line number (from 1) of the only line of `text` that holds `fragment`."""
    [number] = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return number


def test_the_shipped_default_is_the_domain_default() -> None:
    assert load_policy(None) == DEFAULT_POLICY


def test_the_shipped_default_writes_every_deadline_and_the_three_steps() -> None:
    shipped = resources.files("infra").joinpath("policies").joinpath("default.toml")
    [revision] = tomllib.loads(shipped.read_text(encoding="utf-8"))["revisions"]
    assert set(revision["deadlines"]) == set(Deadlines.model_fields)
    assert [step["step"] for step in revision["ladder"]] == [
        "reminder",
        "supervisor",
        "coordinator",
    ]
    assert revision["deadlines"]["hosting_communication"] == "48 hours"  # spans as people say


def test_a_custom_file_with_deadlines_of_seconds(tmp_path: Path) -> None:
    policy = loaded(tmp_path, SECONDS_POLICY)
    [revision] = policy.revisions
    assert policy.policy_id == "seconds"
    assert revision.effective_from == date(2026, 1, 1)
    assert revision.deadlines.baseline == Span(duration=timedelta(seconds=12))
    assert revision.deadlines.skills_assessment == Span(duration=timedelta(seconds=30))
    assert revision.deadlines.follow_up == Span(months=6), "a key left out keeps the default"
    assert revision.ladder == (
        LadderStep(
            step="reminder",
            offset=Span(duration=timedelta(seconds=-4)),
            notify=Role.CASEWORKER,
            escalation=False,
        ),
        LadderStep(step="supervisor", offset=Span(), notify=Role.SUPERVISOR, escalation=True),
    )


def test_revisions_effective_on_different_dates(tmp_path: Path) -> None:
    policy = loaded(
        tmp_path,
        """
policy_id = "two-revisions"

[[revisions]]
effective_from = 2026-01-01
deadlines = { baseline = "7 days" }

[[revisions]]
effective_from = 2026-07-01

[revisions.deadlines]
baseline = "10 days"
""",
    )
    june = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)  # 23:59 in Rome
    july = datetime(2026, 6, 30, 22, 0, tzinfo=UTC)  # midnight in Rome: July's first day there
    assert policy.revision_at(june).deadlines.baseline == Span.parse("7 days")
    assert policy.revision_at(july).deadlines.baseline == Span.parse("10 days")
    assert policy.revisions[1].ladder == DEFAULT_POLICY.revisions[0].ladder


def test_a_toml_syntax_error_names_its_line_and_column(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace('baseline = "12 seconds"', "baseline = 12 seconds")
    error = refusal(tmp_path, text)
    assert error.line == line_holding(text, "baseline =")
    assert error.message == (
        "not valid TOML, column 15: Expected newline or end of document after a statement"
    )


def test_an_unclosed_table_at_the_end_names_the_last_line(tmp_path: Path) -> None:
    text = 'policy_id = "x"\n\n[[revisions'
    error = refusal(tmp_path, text)
    assert error.line == 3
    assert "not valid TOML" in error.message


def test_an_unknown_key_names_its_line_and_the_key_meant(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace("skills_assessment =", "skills_assesment =")
    error = refusal(tmp_path, text)
    assert error.line == line_holding(text, "skills_assesment")
    assert error.message == (
        "revisions[0].deadlines.skills_assesment: unknown key 'skills_assesment'; "
        "did you mean 'skills_assessment'?"
    )


def test_an_unknown_key_in_a_ladder_step(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace('notify = "supervisor"', 'notify = "supervisor"\nwho = "x"')
    error = refusal(tmp_path, text)
    assert error.line == line_holding(text, 'who = "x"')
    assert error.message.startswith("revisions[0].ladder[1].who: unknown key 'who'")


def test_a_bad_span_names_its_line(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace('"0s"', '"right away"')
    error = refusal(tmp_path, text)
    assert error.line == line_holding(text, "right away")
    assert error.message.startswith("revisions[0].ladder[1].offset: not a span: 'right away'")


def test_a_span_too_long_for_any_calendar_is_refused_as_a_bad_span(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace('"0s"', '"6595901629209871 min"')
    error = refusal(tmp_path, text)
    assert error.line == line_holding(text, "6595901629209871 min")
    assert error.message.startswith("revisions[0].ladder[1].offset: not a span: ")
    with pytest.raises(ValueError, match="longer than any calendar holds"):
        Span.parse("99999999999 days")


def test_a_span_that_is_not_a_string_names_its_line(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace('"12 seconds"', "12")
    error = refusal(tmp_path, text)
    assert error.line == line_holding(text, "baseline = 12")


def test_a_bad_role_names_its_line(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace('notify = "caseworker"', 'notify = "mayor"')
    error = refusal(tmp_path, text)
    assert error.line == line_holding(text, "mayor")
    assert "(not 'mayor')" in error.message


def test_revisions_out_of_order_name_the_later_date(tmp_path: Path) -> None:
    text = """\
policy_id = "unordered"

[[revisions]]
effective_from = 2026-07-01

[[revisions]]
effective_from = 2026-01-01
"""
    error = refusal(tmp_path, text)
    assert error.line == 7
    assert error.message == (
        "revisions[1].effective_from: revisions must have increasing, distinct effective_from dates"
    )


def test_two_revisions_on_the_same_day_are_refused(tmp_path: Path) -> None:
    text = """\
policy_id = "same-day"
[[revisions]]
effective_from = 2026-01-01
[[revisions]]
effective_from = 2026-01-01
"""
    assert refusal(tmp_path, text).line == 5


def test_an_empty_ladder_names_its_line(tmp_path: Path) -> None:
    text = """\
policy_id = "no-ladder"

[[revisions]]
effective_from = 2026-01-01
ladder = []
"""
    error = refusal(tmp_path, text)
    assert error.line == 5
    assert error.message.startswith("revisions[0].ladder: ")


def test_duplicate_step_names_name_the_second_one(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace('step = "supervisor"', 'step = "reminder"')
    error = refusal(tmp_path, text)
    assert (
        error.line
        == [n for n, line in enumerate(text.splitlines(), 1) if line == 'step = "reminder"'][1]
    )
    assert error.message == "revisions[0].ladder[1].step: ladder steps need distinct names"


def test_a_missing_key_names_its_table(tmp_path: Path) -> None:
    text = SECONDS_POLICY.replace("effective_from = 2026-01-01\n", "")
    error = refusal(tmp_path, text)
    assert error.line == line_holding(text, "[[revisions]]")
    assert error.message == "revisions[0].effective_from: missing key 'effective_from'"


def test_a_missing_top_level_key_names_the_first_line(tmp_path: Path) -> None:
    error = refusal(tmp_path, SECONDS_POLICY.replace('policy_id = "seconds"\n', ""))
    assert (error.line, error.message) == (1, "policy_id: missing key 'policy_id'")


def test_an_unreadable_file_is_refused_without_a_line(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(PolicyFileError) as caught:
        load_policy(missing)
    assert caught.value.line is None
    assert str(caught.value) == f"{missing}: cannot read it: No such file or directory"


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'policy_id = "x"\n# perch\xe9\n')
    with pytest.raises(PolicyFileError) as caught:
        load_policy(path)
    assert (caught.value.line, caught.value.message) == (2, "not UTF-8 text")
