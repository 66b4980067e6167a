"""`python -m bench.variants`: worker variants measured against the shipped worker.

No timing is asserted; what is checked is that every worker was measured, that all its
commands were accepted, and that bad arguments stop it before anything starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

from bench import variants as bench_variants

REPO = Path(__file__).resolve().parents[2]


def variants(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.variants", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_variant_is_measured_beside_the_shipped_worker(tmp_path: Path) -> None:
    """`python -m bench.variants` end to end at the least that gives an interval: two
    rounds of a second, one client, one variant; its stack starts the shipped worker and
    the variant's only (not the suite's unsandboxed one)."""
    out = tmp_path / "variants.json"
    ran = variants(
        "--rounds", "2", "--seconds", "1", "--warmup", "0.25", "--clients", "1",
        "--out", str(out), "--force", "sandbox-off=PATHWAYS_WORKER_SANDBOX=false",
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-3000:]
    results = json.loads(out.read_text())
    assert results["variants"] == {"sandbox-off": {"PATHWAYS_WORKER_SANDBOX": "false"}}
    assert set(results["medians"]) == {"shipped", "sandbox-off"}
    for name, runs in results["runs"].items():
        assert len(runs) == 2, name
        for run in runs:
            assert run["per_second"] > 0 and run["worker_cpu_ms"] > 0, run
            assert run["errors"] == {}, run
    assert results["medians"]["shipped"]["per_second_ratio"] == 1.0
    against = results["per_second_ratio"]["sandbox-off"]
    assert len(against["ratios"]) == 2 and against["interval"] is not None
    assert results["conditions"]["commit"] and "steal_percent" in results["conditions"]
    assert "| sandbox-off |" in ran.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sandbox-off"], "not NAME=VAR=VALUE"),
        (["off=PATHWAYS_WORKER_SANDBOX"], "not NAME=VAR=VALUE"),
        (["shipped=PATHWAYS_WORKER_SANDBOX=false"], "a name of its own"),
        (["a=X=1", "a=Y=2"], "variant names repeat"),
        (["--rounds", "0", "a=X=1"], "not between"),
        (["--seconds", "fast", "a=X=1"], "not a number"),
        (["--clients", "500", "a=X=1"], "not between"),
    ],
)
def test_bad_arguments_are_refused_before_anything_starts(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In process: the refusal is argparse's, before any worker; the measured run above is
    the subprocess that keeps `python -m bench.variants` itself tested."""
    monkeypatch.setattr(bench_variants, "compare", started)
    out = tmp_path / "variants.json"
    with pytest.raises(SystemExit) as refused:
        bench_variants.main([*args, "--out", str(out)])
    assert refused.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


async def started(*args: object) -> NoReturn:
    raise AssertionError("the comparison started despite bad arguments")
