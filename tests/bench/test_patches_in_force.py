"""`python -m bench.patches_in_force` measures both sides on a real stack, small."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SMALL = ["--force", "--rounds", "1", "--seconds", "2", "--warmup", "0.5", "--clients", "4"]


def test_a_small_run_opens_and_weighs_pathways_on_both_sides(tmp_path: Path) -> None:
    out = tmp_path / "patches.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.patches_in_force", *SMALL, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(out.read_text())
    (round_,) = result["rounds"]
    for side in ("asked", "in_force"):
        assert round_[side]["started"] > 0 and round_[side]["errors"] == {}
        (weight,) = result["rss_kb_per_pathway"][side]
        assert isinstance(weight, float)
    shapes = result["patch_markers_and_upserts_per_opening"]
    assert shapes["in_force"] == [0, 0], "an opening now asks no patch"
    assert shapes["asked"][0] >= 5 and shapes["asked"][0] == shapes["asked"][1]
    assert result["rate_verdict"]["rounds"] == 1 and result["weight_verdict"]["side"] == "at_most"
    assert "steal_percent" in result["conditions"]
