"""`python -m bench.cached_weight` weighs pathways opened in its own process, small."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


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
