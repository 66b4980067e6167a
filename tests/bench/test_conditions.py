"""What a run records of its machine, and the refusal to start on a busy one.

The refusals run in process (`main` takes argv; the suite and the comparison are replaced
by a stand-in that fails if reached), as the other refusal tests of the bench do.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest

from bench import __main__ as bench_main
from bench import variants as bench_variants
from bench.conditions import MachineBusy, cpu_counters, refuse_if_busy, steal_percent

STAT_BEFORE = "cpu  1000 0 500 8000 100 0 50 200 0 0\ncpu0 500 0 250 4000 50 0 25 100 0 0\n"
STAT_AFTER = "cpu  1300 0 600 8500 100 0 50 250 0 0\ncpu0 650 0 300 4250 50 0 25 125 0 0\n"


def test_steal_is_the_share_of_all_cpu_time_the_host_took_between_two_readings() -> None:
    assert cpu_counters(STAT_BEFORE) == (200, 9850)
    # 50 of the 950 jiffies that passed were stolen.
    assert steal_percent(STAT_BEFORE, STAT_AFTER) == 5.26
    assert steal_percent(STAT_BEFORE, STAT_BEFORE) is None


def test_a_load_above_the_limit_is_refused_unless_forced() -> None:
    with pytest.raises(MachineBusy, match="--force"):
        refuse_if_busy("1.51 0.9 0.4", force=False)
    refuse_if_busy("1.51 0.9 0.4", force=True)
    refuse_if_busy("1.5 3.0 3.0", force=False)


async def started(*args: object) -> NoReturn:
    raise AssertionError("the run started on a busy machine")


def test_the_suite_refuses_a_busy_machine_before_anything_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bench_main, "suite", started)
    monkeypatch.setattr(bench_main, "load_average", lambda: "3.20 2.10 1.00")
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as refused:
        bench_main.main(["--smoke", "--out", str(out)])
    assert refused.value.code == 3
    err = capsys.readouterr().err
    assert "machine_busy" in err and "3.2" in err and "--force" in err
    assert not out.exists()


def test_forced_the_suite_runs_on_a_busy_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_main, "suite", started)
    monkeypatch.setattr(bench_main, "load_average", lambda: "3.20 2.10 1.00")
    with pytest.raises(AssertionError, match="started on a busy machine"):
        bench_main.main(["--smoke", "--force", "--out", str(tmp_path / "out")])


def test_the_variant_comparison_refuses_a_busy_machine_before_anything_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bench_variants, "compare", started)
    monkeypatch.setattr(bench_variants, "load_average", lambda: "2.00 1.00 1.00")
    out = tmp_path / "variants.json"
    with pytest.raises(SystemExit) as refused:
        bench_variants.main(["a=X=1", "--out", str(out)])
    assert refused.value.code == 3
    assert "machine_busy" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rounds", "0"], "not between"),
        (["--seconds", "soon"], "not a number"),
        (["--open-loop-commands", "1"], "not between"),
    ],
)
def test_bad_sizes_are_refused_before_anything_runs(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(bench_main, "suite", started)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as refused:
        bench_main.main([*args, "--force", "--out", str(out)])
    assert refused.value.code == 2 and message in capsys.readouterr().err
    assert not out.exists()


def test_waiting_for_a_quiet_machine_ends_when_the_load_falls_or_at_the_bound() -> None:
    from bench.conditions import wait_until_quiet

    loads = iter(["3.0 1 1", "2.0 1 1", "1.2 1 1"])
    assert wait_until_quiet(lambda: next(loads), pause=0) >= 0
    assert next(loads, "used up") == "used up", "it read until the load fell"
    assert wait_until_quiet(lambda: "9.0 9 9", at_most=0.05, pause=0.01) >= 0.05


def test_a_full_run_makes_the_dashboard_s_dump_before_the_suite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new machine has no dump: a full run makes it first (outside every cap), not the
    dashboard part, which would report `no_dump` and leave the figure out."""
    made: list[int] = []

    async def ensure(pathways: int) -> dict[str, object]:
        made.append(pathways)
        return {"pathways": pathways, "dump": "d", "generation_s": {"events": 1.0}}

    monkeypatch.setattr(bench_main, "ensure_dump", ensure)
    monkeypatch.setattr(bench_main, "wait_until_quiet", lambda: 0.0)
    monkeypatch.setattr(bench_main, "suite", started)
    monkeypatch.setattr(bench_main, "load_average", lambda: "0.10 0.10 0.10")
    with pytest.raises(AssertionError, match="started"):
        bench_main.main(["--out", str(tmp_path / "out")])
    assert made == [100_000]
    made.clear()
    with pytest.raises(AssertionError, match="started"):
        bench_main.main(["--smoke", "--out", str(tmp_path / "smoke")])
    assert made == [], "a smoke run generates its small data inside its part"
