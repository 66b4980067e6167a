"""`python -m bench.cached_weight` weighs pathways opened in its own process, small."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

import bench.cached_weight as cached_weight


def test_a_small_run_weighs_the_pathways_it_opened(tmp_path: Path) -> None:
    out = tmp_path / "weight.json"
    small = ["--force", "--pathways", "20", "--warm", "5", "--top", "3", "--out", str(out)]
    run = subprocess.run(
        [sys.executable, "-m", "bench.cached_weight", *small],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["opened"] == 20 and result["sandboxed"] is True
    assert result["python_heap"]["kb_per_pathway"] > 0
    assert len(result["python_heap"]["by_file_kb_per_pathway"]) == 3
    assert "steal_percent" in result["conditions"]


@pytest.mark.parametrize(
    "args", [["--pathways", "0"], ["--warm", "x"], ["--top", "0"], ["--pathways", "100001"]]
)
def test_bad_arguments_are_refused_before_anything_starts(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cached_weight, "weigh", started)
    with pytest.raises(SystemExit) as refused:
        cached_weight.main(args)
    assert refused.value.code == 2


def test_a_busy_machine_is_refused_unless_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cached_weight, "weigh", started)
    monkeypatch.setattr(cached_weight, "load_average", lambda: "3.20 2.10 1.00")
    with pytest.raises(SystemExit) as refused:
        cached_weight.main([])
    assert refused.value.code == 3


async def started(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("the weighing started")
