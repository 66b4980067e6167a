"""The summaries of the opening rate, the sustained drive and the evicted pathways, and the
targets table built from them: pure functions, the values given, no timing."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from bench import eviction, holding, opening_rate, sustained, targets


def side(per_second: float) -> dict[str, Any]:
    return {"per_second": per_second, "started": 10, "errors": {}}


def test_the_opening_rate_is_met_only_when_the_interval_s_lower_bound_is_half_the_bare() -> None:
    wide = [{"pathway": side(p), "bare": side(100)} for p in (70, 30, 60, 40, 65)]
    judged = opening_rate.summarise(wide, 48, 10, 5)
    assert judged["ratios"] == [0.7, 0.3, 0.6, 0.4, 0.65]
    assert judged["verdict"]["median"] == 0.6 and judged["verdict"]["interval"][0] < 0.5
    assert judged["verdict"]["met"] is False
    assert judged["opened_per_second"] == 60 and judged["bare_started_per_second"] == 100
    tight = [{"pathway": side(p), "bare": side(100)} for p in (55, 58, 60, 57, 62)]
    assert opening_rate.summarise(tight, 48, 10, 5)["verdict"]["met"] is True


def test_the_sustained_windows_take_the_commands_by_their_index_in_the_pathway() -> None:
    # Index 4 and 25 lie outside [5, 25): their seconds would change both figures.
    latencies = {4: [9.0], 5: [0.1, 0.1], 24: [0.2], 25: [9.0], 990: [0.3], 1009: [0.2]}
    early = sustained.window_ms(latencies, (5, 25))
    assert early["n"] == 3 and early["p99"] == 200.0 and early["median"] == 100.0
    late = sustained.window_ms(latencies, (990, 1010))
    assert late["n"] == 2 and late["p99"] == 300.0


def test_the_sustained_ratio_is_judged_against_its_ceiling_and_counts_continue_as_new() -> None:
    latencies = {5: [0.1], 990: [0.13]}
    current = [{"events": 900, "bytes": 2048}, {"events": 1300, "bytes": 4096}]
    sent = Counter({"long-000": 1500, "long-001": 1499})
    figures = sustained.summarise(
        latencies, (5, 25), (990, 1010), [2, 3], current, 2, 1500, sent, Counter(), 1.0
    )
    assert figures["p99_ratio"] == 1.3 and figures["met"] is False
    assert figures["continue_as_new"] == 5 and figures["fewest_commands"] == 1499
    assert figures["current_run_events"] == {"min": 900, "max": 1300}
    assert figures["current_run_kb_max"] == 4.0
    faster = sustained.summarise(
        {5: [0.1], 990: [0.12]}, (5, 25), (990, 1010), [1], current[:1], 1, 1500, sent, Counter(), 1
    )
    assert faster["met"] is True


def evicted(p99_at_1000: float) -> dict[str, Any]:
    timed = {
        100: {"pathway": [0.05], "bare": [0.01]},
        1000: {"pathway": [p99_at_1000], "bare": [0.02]},
    }
    held = {n: {"pathway": [n + 3], "bare": [n + 1]} for n in timed}
    return eviction.summarise(timed, held, 1, 1, [2.0])


def test_the_eviction_target_is_judged_at_a_thousand_events_only() -> None:
    slow = evicted(1.2)
    assert slow["met"] is False
    assert slow["points"][1]["pathway"]["p99"] == 1200.0
    assert slow["points"][1]["p99_ratio"] == 60.0
    assert slow["points"][0]["pathway"]["events_held"] == {"min": 103, "max": 103}
    assert evicted(0.4)["met"] is True
    held = {20: {"pathway": [21], "bare": [24]}}
    smoke = eviction.summarise({20: {"pathway": [0.1], "bare": [0.05]}}, held, 1, 1, [])
    assert smoke["met"] is None


def test_a_command_to_an_evicted_pathway_left_unanswered_is_counted_and_fails_the_target() -> None:
    # The fifth full run stopped here: a run of 4,000 events replayed past the workflow
    # task's timeout, its update refused; now counted, and the suite goes on.
    timed = {1000: {"pathway": [0.4], "bare": [0.02]}, 4000: {"pathway": [], "bare": [0.1]}}
    held = {n: {"pathway": [n + 3], "bare": [n + 1]} for n in timed}
    unanswered = {1000: {"pathway": 1, "bare": 0}, 4000: {"pathway": 2, "bare": 0}}
    summary = eviction.summarise(timed, held, 1, 3, [2.0], unanswered)
    assert summary["met"] is False
    assert [p["pathway"]["unanswered"] for p in summary["points"]] == [1, 2]
    assert summary["points"][1]["bare"]["unanswered"] == 0
    assert eviction.summarise(timed, held, 1, 3, [2.0])["met"] is True


def test_an_evicted_pathway_s_replay_is_counted_on_its_current_run_not_its_history() -> None:
    # A pathway of 4,000 history events continues as new every few hundred (`short-runs`):
    # its command replays its current run; a bare workflow's run is its whole history.
    timed = {4000: {"pathway": [0.6], "bare": [2.0]}}
    held = {4000: {"pathway": [4010], "bare": [4002]}}
    run_held = {4000: {"pathway": [290, 310], "bare": [4002]}}
    summary = eviction.summarise(timed, held, 1, 1, [2.0], None, run_held)
    [point] = summary["points"]
    assert point["pathway"]["events_held"] == {"min": 4010, "max": 4010}
    assert point["pathway"]["run_events_held"] == {"min": 290, "max": 310}
    [per_event] = holding.derive({"eviction": summary})["replay_ms_per_event"]
    assert per_event == {"events": 4000, "pathway": 2.0, "bare": 0.5}


def test_the_targets_table_carries_each_part_s_verdict_and_judges_only_what_has_a_target() -> None:
    wide = [{"pathway": side(p), "bare": side(100)} for p in (70, 30, 60, 40, 65)]
    results = {
        "opening_rate": opening_rate.summarise(wide, 48, 10, 5),
        "sustained": sustained.summarise(
            {5: [0.1], 990: [0.11]}, (5, 25), (990, 1010), [2], [], 1, 1500, Counter(), Counter(), 1
        ),
        "eviction": evicted(1.2),
        "growth": [{"pathways": 10_000, "worker_rss_mb": 1100.0}],
    }
    rows = {row["figure"].split(",")[0]: row for row in targets.table(results)}
    opening = rows["pathways opened/s ÷ bare workflows started/s"]
    assert opening["met"] is False and "interval 0.3–0.7" in opening["value"]
    assert rows["p99 of commands 990–1010 ÷ p99 of commands 5–25"]["met"] is True
    assert rows["worker RSS (MB) with 10000 open pathways"]["met"] is False
    evicted_rows = [r for r in targets.table(results) if "evicted" in r["figure"]]
    assert [r["met"] for r in evicted_rows] == [None, False]  # 100 events: reported only
    assert "pathway of 1000 history events" in evicted_rows[1]["figure"]
    assert evicted_rows[1]["value"] == 1200.0
    assert rows["indicator dashboard"]["met"] is False  # not run: not met
    table = targets.markdown(targets.table(results))
    assert table[0] == "| figure | value | target | met |" and len(table) == 2 + len(
        targets.table(results)
    )


@pytest.mark.parametrize(
    "argv", [["--events", "1000,100"], ["--events", "a"], ["--pathways", "0"], ["--cap", "1"]]
)
def test_the_eviction_part_alone_refuses_bad_arguments_before_any_work(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        eviction.main(argv)
    assert refused.value.code == 2 and "error: argument" in capsys.readouterr().err
