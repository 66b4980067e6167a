"""The targets file's `[project]` table: the grant agreement's title and period, or a refusal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.indicators import DEFAULT_TARGETS
from infra.indicators.targets import Project, TargetsFileError, load_grant, load_targets


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grant.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_names_the_seed_project_without_a_period() -> None:
    grant = load_grant(None)
    assert grant.project == Project()
    assert grant.project.title == "Rifugiato cittadino" and grant.project.start is None
    assert grant.targets == DEFAULT_TARGETS


def test_a_project_table_sets_title_funder_and_period_beside_the_targets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[project]\ntitle = "Rifugiato cittadino – PROG-1234"\nfunder = "FAMI 2021-2027"\n'
        "start = 2026-01-01\nend = 2028-12-31\n\n[work_grant]\nvalue = 90\n",
    )
    grant = load_grant(path)
    assert grant.project == Project(
        title="Rifugiato cittadino – PROG-1234",
        funder="FAMI 2021-2027",
        start=date(2026, 1, 1),
        end=date(2028, 12, 31),
    )
    assert grant.targets["work_grant"].value == 90
    assert load_targets(path) == grant.targets


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[project]\ntitle = "x"\nstart_date = 2026-01-01\n', 3, "did you mean 'start'"),
        ('[project]\ntitle = ""\n', 2, "non-empty string"),
        ('[project]\nstart = "2026-01-01"\n', 2, "a date"),
        ("[project]\nstart = 2026-01-01T10:00:00\n", 2, "a date"),
        ("[project]\nstart = 2026-01-01\nend = 2025-01-01\n", 3, "ends before it starts"),
        ("project = 3\n", 1, "expected a table"),
    ],
)
def test_a_bad_project_table_is_refused_at_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TargetsFileError) as caught:
        load_grant(path)
    assert caught.value.line == line, caught.value
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}, line {line}: ")
