"""The measuring rules of the bench, as pure functions: the interval of a median ratio and
its verdict, the summary of interleaved rounds, the open loop's arrival schedule.
No timing: the values are given."""

from __future__ import annotations

import statistics

import pytest

from bench.confidence import bootstrap_median_interval, verdict
from bench.open_loop import poisson_schedule
from bench.rounds import summarise


def test_the_bootstrap_interval_holds_the_median_and_is_the_same_every_time() -> None:
    ratios = [0.74, 0.81, 0.78, 0.69, 0.83]
    low, high = bootstrap_median_interval(ratios)
    assert low <= statistics.median(ratios) <= high
    assert min(ratios) <= low < high <= max(ratios)
    assert bootstrap_median_interval(ratios) == (low, high)
    assert bootstrap_median_interval([0.8] * 5) == (0.8, 0.8)


def test_a_wider_level_gives_a_wider_interval() -> None:
    ratios = [0.6, 0.7, 0.75, 0.8, 0.9, 1.0, 0.65]
    narrow = bootstrap_median_interval(ratios, level=0.5)
    wide = bootstrap_median_interval(ratios, level=0.9)
    assert wide[0] <= narrow[0] and narrow[1] <= wide[1] and wide != narrow


@pytest.mark.parametrize(("values", "level"), [([], 0.9), ([1.0], 0.0), ([1.0], 1.0)])
def test_a_bootstrap_without_values_or_with_no_level_is_refused(
    values: list[float], level: float
) -> None:
    with pytest.raises(ValueError):
        bootstrap_median_interval(values, level)


def test_the_target_is_met_only_when_the_lower_bound_meets_it() -> None:
    # A median above the target whose interval reaches below it: not met.
    spread = verdict([0.95, 0.7, 0.85, 0.9, 0.75], 0.8)
    assert spread["median"] == 0.85 and spread["interval"][0] < 0.8
    assert spread["met"] is False
    tight = verdict([0.84, 0.86, 0.85, 0.83, 0.88], 0.8)
    assert tight["interval"][0] >= 0.8 and tight["met"] is True


def test_a_ceiling_is_met_only_when_the_upper_bound_stays_under_it() -> None:
    assert verdict([1.2, 1.3, 1.25, 1.4, 1.6], 1.5, "at_most")["met"] is False
    assert verdict([1.2, 1.3, 1.25, 1.4, 1.35], 1.5, "at_most")["met"] is True


def test_rounds_without_a_ratio_are_left_out_and_counted() -> None:
    judged = verdict([None, 0.9, 0.92, None], 0.8)
    assert judged["rounds"] == 2 and judged["rounds_without_ratio"] == 2
    assert verdict([None], 0.8) | {"met": False} == verdict([None], 0.8)
    assert verdict([None], 0.8)["interval"] is None


def run(per_second: float, p99: float, worker_cpu: float, commands: int) -> dict[str, object]:
    return {
        "per_second": per_second,
        "commands": commands,
        "latency_ms": {"p99": p99},
        "errors": {},
        "cpu_seconds": {"worker": worker_cpu},
    }


def test_rounds_give_the_median_ratio_and_each_side_s_cpu_per_command() -> None:
    rounds = [
        {"bare": run(100, 500, 1.0, 1000), "pathway": run(80, 700, 2.0, 800)},
        {"bare": run(90, 600, 0.9, 900), "pathway": run(81, 660, 1.6, 810)},
        {"bare": run(110, 400, 1.1, 1100), "pathway": run(77, 800, 2.2, 770)},
    ]
    summary = summarise(rounds)
    assert summary["ratios"] == [0.8, 0.9, 0.7]
    assert summary["throughput"]["median"] == 0.8
    assert summary["throughput"]["met"] is False
    assert summary["medians"]["pathway"]["per_second"] == 80
    assert summary["medians"]["pathway"]["cpu_ms_per_command"] == {"worker": 2.5}
    assert summary["medians"]["bare"]["cpu_ms_per_command"] == {"worker": 1.0}
    assert summary["p99_ratio_median"] == 1.4


def test_poisson_arrivals_come_at_the_rate_asked_and_the_same_for_both_sides() -> None:
    offsets = poisson_schedule(40.0, 4000, seed=3)
    assert len(offsets) == 4000 and offsets == sorted(offsets)
    assert 4000 / offsets[-1] == pytest.approx(40.0, rel=0.05)
    gaps = [b - a for a, b in zip([0.0, *offsets], offsets, strict=False)]
    # Exponential gaps: the standard deviation equals the mean.
    assert statistics.stdev(gaps) == pytest.approx(statistics.mean(gaps), rel=0.1)
    assert poisson_schedule(40.0, 4000, seed=3) == offsets
    assert poisson_schedule(40.0, 10, seed=4) != offsets[:10]


def test_an_arrival_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        poisson_schedule(0.0, 10)
