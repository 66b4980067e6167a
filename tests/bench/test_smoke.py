"""The benchmark suite in its smoke mode: every part runs end to end and reports its figures.

No timing is asserted (the machine is shared); the figures of a smoke run mean nothing. What
is checked is that each part measured something, that the pathway commands and the bare
baseline were all accepted, and that the report was written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

from bench import __main__ as bench_main

REPO = Path(__file__).resolve().parents[2]


def test_the_smoke_run_measures_every_part_and_writes_the_report(tmp_path: Path) -> None:
    """`python -m bench --smoke` end to end, each part at the least that still runs all its
    code (`bench.sizes.SMOKE`): throughput in two interleaved rounds of one client,
    sandboxed and not, with its interval; both open-loop points; three ladders in
    one second under load, every step to the commit and every bare timer; as-of along 40
    events; the opening rate in two rounds of two openings at once; two pathways driven to
    30 commands; one eviction of the worker, one command each to a pathway and a bare
    workflow whose runs hold 20 events; one growth point with every read; a restart whose
    canary's three steps are recorded and whose sweep replays every pathway; the dashboard
    generated, dumped, restored, queried and paged cold and warm; the report and its
    generated reading."""
    ran = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--force", "--out", str(tmp_path)],
        cwd=REPO,
        # An empty cache: the dashboard's data is generated, dumped and restored.
        env={**os.environ, "PATHWAYS_BENCH_CACHE": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=360,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-3000:] + ran.stdout[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert not (tmp_path / "results.partial.json").exists(), "a finished run leaves no partial"

    throughput = results["throughput"]
    assert [run["clients"] for run in throughput["runs"]] == [1]
    for run in [*throughput["runs"], *throughput["unsandboxed_runs"]]:
        assert len(run["rounds"]) == 2
        for measured in run["rounds"]:
            for side in ("pathway", "bare"):
                assert measured[side]["commands"] > 0, measured
                assert measured[side]["errors"] == {}, measured
                assert measured[side]["cpu_seconds"]["worker"] > 0, measured
        assert run["throughput"]["interval"] is not None, run["throughput"]
    points = results["open_loop"]["points"]
    assert [p["share_of_capacity"] for p in points] == [0.5, 0.8]
    for point in points:
        for side in ("pathway", "bare"):
            assert point[side]["commands"] == 10 and point[side]["errors"] == {}, point
    conditions = results["conditions"]
    assert conditions["commit"] and conditions["load"] and "steal_percent" in conditions
    late = results["lateness"]
    assert late["ladders"] == late["ladders_asked"] == late["opened"] == 3
    assert late["open_errors"] == {} and late["unmoved"] == late["misses"] == 0
    assert late["due_spread_s"] < 1
    assert late["steps_recorded"] == late["steps_expected"] == 3 * late["ladders"]
    assert late["to_commit_s"]["n"] == late["steps_expected"]
    bare_steps = late["bare_timer_lateness_s"]["n"] + late["bare_steps_past_at_start"]
    assert bare_steps == late["steps_expected"]
    assert late["load"]["commands"] > 0 and late["load"]["errors"] == {}
    as_of = results["as_of"]
    assert as_of["every_event_ms"]["n"] == as_of["events"] >= 40
    assert len(as_of["by_age"]) == 10
    assert as_of["by_age"][-1]["events_folded"] == as_of["events"]
    rate = results["opening_rate"]
    assert len(rate["rounds"]) == 2 and rate["errors"] == 0
    for side in ("pathway", "bare"):  # a round of one second may answer no opening
        assert sum(r[side]["started"] for r in rate["rounds"]) > 0, rate["rounds"]
    assert rate["verdict"]["interval"] is not None, rate["verdict"]
    driven = results["sustained"]
    assert driven["commands_sent"] == 2 * 30 and driven["errors"] == {}, driven
    assert driven["early_ms"]["n"] == driven["late_ms"]["n"] == 2 * 5, driven
    assert driven["p99_ratio"] is not None
    assert driven["current_run_events"]["min"] > 0
    evicted = results["eviction"]
    assert evicted["rounds"] == len(evicted["worker_restart_s"]) == 1
    [point] = evicted["points"]
    for side in ("pathway", "bare"):
        assert point[side]["n"] == 1 and point[side]["events_held"]["min"] >= 20, point
        assert 0 < point[side]["run_events_held"]["max"] <= point[side]["events_held"]["max"]
    assert {row["figure"].split(" ")[0] for row in results["targets"]} >= {
        "commands/s",
        "pathways",
        "p99",
    }
    assert [point["target"] for point in results["growth"]] == [12]
    for point in results["growth"]:
        assert point["pathways"] > 0 and point["events"] > 0
        assert set(point["reads"]) == {
            "pathway_state",
            "history_1000_events",
            "as_of_reconstruction",
            "caseload_500",
        }
        assert all(f["rows"] > 0 for f in point["reads"].values())
    restart = results["restart"]
    assert restart["resumed"] == restart["pathways"] > 0
    assert restart["canary_steps_recorded"] == 3 * restart["canaries"]
    indicators = results["indicators"]
    assert "error" not in indicators, indicators
    assert indicators["dump"]["generated"] and indicators["dump"]["restore_s"] >= 0
    assert indicators["rows"]["events"] == results["sizes"]["indicator_pathways"] * 20 > 0
    assert indicators["runs"] == 1 and indicators["checks"]["trend_equals_tables"]
    assert indicators["page"]["cold_ms"]["n"] == indicators["page"]["warm_ms"]["n"] == 1

    report = (tmp_path / "RESULTS.md").read_text()
    for heading in (
        "Targets",
        "Machine",
        "Command throughput",
        "open loop",
        "Escalation lateness",
        "Reads",
        "Opening rate",
        "Sustained",
        "evicted pathway",
    ):
        assert heading in report
    reading = (tmp_path / "ANALYSIS.md").read_text()
    assert reading.strip() in report and conditions["commit"] in reading
    # The reading's derived figures are stored with the run (bench.holding).
    assert "replay_ms_per_event" in results["derived"]
    if any(row["met"] is False for row in results["targets"]):
        assert "## What holds the targets not met" in reading


@pytest.mark.parametrize(
    ("argument", "message"),
    [("10,5", "must be positive and rising"), ("0", "must be positive"), ("many", "not a list")],
)
def test_bad_growth_points_are_refused_before_anything_runs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argument: str,
    message: str,
) -> None:
    """In process: the refusal is argparse's, before the suite; the smoke run above is the
    subprocess that keeps `python -m bench` itself tested (a process each cost seconds)."""
    monkeypatch.setattr(bench_main, "suite", started)
    with pytest.raises(SystemExit) as refused:
        bench_main.main(["--growth", argument, "--out", str(tmp_path / "out")])
    assert refused.value.code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "out").exists(), "nothing started, nothing written"


async def started(*args: object) -> NoReturn:
    raise AssertionError("the suite started despite bad arguments")
