"""`python -m bench.describe_before_open` measures both sides on a real stack, small."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

import bench.describe_before_open as describe_before_open

SMALL = ["--force", "--rounds", "1", "--seconds", "1", "--warmup", "0.5", "--clients", "4"]


def test_a_small_run_opens_pathways_on_both_sides(tmp_path: Path) -> None:
    out = tmp_path / "describe.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.describe_before_open", *SMALL, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(out.read_text())
    (round_,) = result["rounds"]
    for side in ("describe_first", "now"):
        assert round_[side]["started"] > 0 and round_[side]["errors"] == {}
    assert result["verdict"]["rounds"] == 1 and "steal_percent" in result["conditions"]


@pytest.mark.parametrize(
    "args", [["--rounds", "0"], ["--seconds", "x"], ["--clients", "501"], ["--warmup", "-1"]]
)
def test_bad_arguments_are_refused_before_anything_starts(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(describe_before_open, "compare", started)
    with pytest.raises(SystemExit) as refused:
        describe_before_open.main(args)
    assert refused.value.code == 2


def test_a_busy_machine_is_refused_unless_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(describe_before_open, "compare", started)
    monkeypatch.setattr(describe_before_open, "load_average", lambda: "3.20 2.10 1.00")
    with pytest.raises(SystemExit) as refused:
        describe_before_open.main([])
    assert refused.value.code == 3


async def started(*args: object) -> NoReturn:
    raise AssertionError("the comparison started")
