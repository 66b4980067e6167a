"""Indicator targets: the placeholder defaults, progress toward a target, and the targets
file that overrides them, refused at the line of its mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.indicators import BY_ID, CATALOGUE, DEFAULT_TARGETS, Target
from infra.indicators.targets import TargetsFileError, load_targets


def test_default_targets_are_placeholders_for_known_indicators() -> None:
    assert set(DEFAULT_TARGETS) <= set(BY_ID)
    counts = [i.indicator_id for i in CATALOGUE if i.kind == "count"]
    assert set(counts) <= set(DEFAULT_TARGETS)
    assert not {i.indicator_id for i in CATALOGUE if i.moment == "baseline"} & set(DEFAULT_TARGETS)
    assert all("placeholder" in t.note for t in DEFAULT_TARGETS.values())


def test_progress_toward_a_target() -> None:
    most = Target(indicator_id="housing_hardship_exit", value=0.3, direction="at_most")
    least = Target(indicator_id="work_grant", value=120)
    assert least.progress(60) == 0.5 and not least.met(60) and least.met(120)
    assert most.met(0.2) and most.progress(0.2) == 1.0
    assert most.progress(0.6) == 0.5 and not most.met(0.6)
    with pytest.raises(ValidationError):
        Target(indicator_id="housing_hardship_exit", value=30)
    with pytest.raises(ValidationError):
        Target(indicator_id="no_such_thing", value=1)


TARGETS = """\
# The grant agreement's figures.
[work_grant]
value = 90
note = "Annex 2, R1.4"

[housing_hardship_exit]
value = 0.25
direction = "at_most"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_targets_file_keeps_the_defaults() -> None:
    assert load_targets(None) == DEFAULT_TARGETS


def test_a_targets_file_overrides_the_defaults_it_names(tmp_path: Path) -> None:
    targets = load_targets(write(tmp_path, TARGETS))
    assert targets["work_grant"] == Target(
        indicator_id="work_grant", value=90, note="Annex 2, R1.4"
    )
    assert targets["housing_hardship_exit"].value == 0.25
    assert targets["cohousing"] == DEFAULT_TARGETS["cohousing"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("[work_grant]\nvalue = 90\n\n[work_grants]\nvalue = 1\n", 4, "did you mean 'work_grant'"),
        ("[work_grant]\nvalue = 90\nnotes = 'x'\n", 3, "unknown key; did you mean 'note'"),
        ("[work_grant]\nnote = 'x'\n", 1, "`value` is missing"),
        ("[work_grant]\nvalue = 'many'\n", 2, "work_grant.value"),
        ("[work_grant]\nvalue = true\n", 2, "expected a number"),
        ("[work_grant]\nvalue = 90.5\n", 2, "whole number"),
        ("[housing_hardship_exit]\nvalue = 30\n", 2, "from 0 to 1"),
        ("[cohousing]\nvalue = 3\ndirection = 'up'\n", 3, "direction"),
        ("work_grant = 3\n", 1, "expected a table"),
        ("[work_grant]\nvalue = = 3\n", 2, "not valid TOML"),
    ],
)
def test_a_bad_targets_file_is_refused_at_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TargetsFileError) as caught:
        load_targets(path)
    assert caught.value.line == line, caught.value
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}, line {line}: ")


def test_a_missing_targets_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TargetsFileError, match="cannot read it"):
        load_targets(tmp_path / "nope.toml")
