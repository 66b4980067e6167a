"""`python -m bench.describe_before_open` measures both sides on a real stack, small."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
