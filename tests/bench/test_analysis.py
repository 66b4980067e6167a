"""The reading of a run is generated from its JSON: every figure it cites is a value there.

The fixture is the JSON of a smoke run (its figures mean nothing; its shape is the suite's),
cut down to the parts the reading reads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bench.analysis import generate, main
from bench.holding import derive

FIXTURE = Path(__file__).with_name("results-smoke.json")
FULL_RUN = Path(__file__).parents[2] / "bench" / "results.json"
"""The committed full run, whatever it is: its reading holds to the same rules."""
NUMBER = re.compile(r"(?<![\w.-])-?\d+(?:\.\d+)?(?![\w.])")
"""A figure in prose: not part of a word like p99, a name or a version."""


def numbers_in(value: Any) -> set[float]:
    """Every number a JSON value holds, also inside strings (a load average's three)."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int | float):
        return {float(value)}
    if isinstance(value, str):
        return {float(n) for n in NUMBER.findall(value)}
    if isinstance(value, dict):
        return set().union(*(numbers_in(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(numbers_in(v) for v in value)) if value else set()
    return set()


def figures_of(reading: str) -> set[float]:
    """The numbers of the reading's prose; code spans (a commit, a file name) left out."""
    prose = re.sub(r"`[^`]*`", "", reading)
    prose = re.sub(r"^#+ .*$", "", prose, flags=re.MULTILINE)
    return {float(n) for n in NUMBER.findall(prose)}


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURE.read_text())
    return loaded


def test_every_figure_of_the_reading_is_a_value_of_its_json(results: dict[str, Any]) -> None:
    reading = generate(results, FIXTURE.name)
    cited = figures_of(reading)
    assert len(cited) > 30, reading
    known = numbers_in(results) | numbers_in(derive(results))
    assert cited <= known, sorted(cited - known)


def test_the_full_run_s_reading_cites_its_json_and_says_what_holds_each_target_missed() -> None:
    """On the committed full run: the paragraphs of what holds the targets cite the worker's
    profile and CPU, memory per pathway and replay per event, all from the JSON."""
    results = json.loads(FULL_RUN.read_text())
    reading = generate(results, FULL_RUN.name)
    derived = results.get("derived") or derive(results)
    known = numbers_in(results) | numbers_in(derived)
    assert figures_of(reading) <= known, sorted(figures_of(reading) - known)
    holding = reading.split("## What holds the targets not met", 1)[1].split("\n## ", 1)[0]
    missed = [row["figure"] for row in results["targets"] if row["met"] is False]
    headings = {
        "commands/s": "**Throughput.**",
        "open loop": "**Open-loop latency**",
        "RSS": "**Worker memory**",
        "evicted": "**A command to an evicted pathway**",
        "opened/s": "**Opening**",
        "lateness": "**Escalation lateness**",
        "dashboard": "**Indicator dashboard**",
        "p99 of commands": "**Sustained commands**",
        "as-of": "**As-of**",
    }
    for figure in missed:
        [heading] = [h for marker, h in headings.items() if marker in figure]
        assert heading in holding, (figure, holding)
    cpu = derived["worker_cpu_ms"]
    assert f"{cpu['pathway']} ms of CPU per command against {cpu['bare']} ms" in holding
    shares = derived["profile_percent"]
    assert f"{shares['sandbox']} % of the worker's CPU inside the sandbox" in holding


def test_a_run_that_met_every_target_has_nothing_holding_it(results: dict[str, Any]) -> None:
    met = {**results, "targets": [{**row, "met": True} for row in results["targets"]]}
    assert "What holds" not in generate(met, FIXTURE.name)
    assert "What holds" in generate(results, FIXTURE.name)


def test_the_reading_gives_the_verdict_with_its_interval_and_the_run_s_conditions(
    results: dict[str, Any],
) -> None:
    reading = generate(results, FIXTURE.name)
    conditions = results["conditions"]
    assert f"commit `{conditions['commit']}`" in reading
    assert f"`{conditions['load']}`" in reading and "stolen by the host" in reading
    for run in results["throughput"]["runs"]:
        low, high = run["throughput"]["interval"]
        assert f"interval {low}–{high}" in reading
        assert f"(its lower bound is {low})" in reading
    for point in results["open_loop"]["points"]:
        assert f"p99 ratio {point['ratio']['p99']}" in reading
    assert "smoke" in reading


def test_the_reading_gives_lateness_to_the_commit_the_as_of_table_and_the_dashboard(
    results: dict[str, Any],
) -> None:
    reading = generate(results, FIXTURE.name)
    late = results["lateness"]
    assert f"{late['ladders']} ladders due within {late['due_spread_s']} s" in reading
    assert f"To the PostgreSQL commit: p99 {late['to_commit_s']['p99']} s" in reading
    as_of = reading.split("## As-of", 1)[1].split("\n## ", 1)[0]
    table = [line for line in as_of.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + len(results["as_of"]["by_age"]) == 11
    last = results["as_of"]["by_age"][-1]
    assert table[-1].startswith(f"| {last['share_of_life']} | {last['events_folded']} |")
    page = results["indicators"]["page"]
    assert f"warm runs: median {page['warm_ms']['median']} ms" in reading


def test_the_reading_puts_a_supervisors_page_beside_the_coordinators(
    results: dict[str, Any],
) -> None:
    queries = {
        "dashboard_page_supervisor": {"median_s": 0.8262},
        "dashboard_page_coordinator": {"median_s": 0.2946},
    }
    timed = {**results, "indicators": {**results["indicators"], "runs": 5, "queries": queries}}
    reading = generate(timed, FIXTURE.name)
    assert "median of 5 warm runs: 0.8262 s, against the coordinator's 0.2946 s" in reading
    assert figures_of(reading) <= numbers_in(timed) | numbers_in(derive(timed))
    assert "A supervisor's page" not in generate(results, FIXTURE.name)


def test_a_run_forced_on_a_busy_machine_says_so(results: dict[str, Any]) -> None:
    busy = {**results, "conditions": {**results["conditions"], "load": "3.0 2.0 1.0"}}
    assert "(forced)" in generate(busy, FIXTURE.name)
    quiet = {**results, "conditions": {**results["conditions"], "load": "0.2 0.1 0.1"}}
    assert "(forced)" not in generate(quiet, FIXTURE.name)


def test_the_script_writes_the_reading_and_refuses_an_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ANALYSIS.md"
    main([str(FIXTURE), "--out", str(out)])
    assert out.read_text() == generate(json.loads(FIXTURE.read_text()), FIXTURE.name)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(SystemExit) as refused:
        main([str(broken), "--out", str(tmp_path / "other.md")])
    assert refused.value.code == 2 and "unreadable_results" in capsys.readouterr().err
    assert not (tmp_path / "other.md").exists()


def test_the_reading_opens_with_the_targets_and_gives_the_opening_sustained_and_eviction(
    results: dict[str, Any],
) -> None:
    reading = generate(results, FIXTURE.name)
    rows = results["targets"]
    assert len(rows) == 11
    for row in rows:
        assert f"| {row['figure']} | {row['value']} | {row['target']} |" in reading
    assert reading.index("## Targets") < reading.index("## Throughput")
    rate = results["opening_rate"]["verdict"]
    low, high = rate["interval"]
    assert f"median ratio {rate['median']}, interval {low}–{high}" in reading
    driven = results["sustained"]
    assert f"ratio {driven['p99_ratio']}, target ≤ {driven['target']}" in reading
    assert f"across {driven['continue_as_new']} continue-as-new" in reading
    [point] = results["eviction"]["points"]
    runs = point["pathway"].get("run_events_held")
    current = f" (current runs of {runs['min']}–{runs['max']})" if runs else ""
    assert (
        f"- {point['events']} history events{current}: p50 {point['pathway']['median']} ms"
        in reading
    )


def test_every_kind_of_target_missed_has_its_paragraph_citing_only_the_json(
    results: dict[str, Any],
) -> None:
    missed = {**results, "targets": [{**row, "met": False} for row in results["targets"]]}
    reading = generate(missed, FIXTURE.name)
    holding = reading.split("## What holds the targets not met", 1)[1].split("\n## ", 1)[0]
    paragraphs = [line for line in holding.splitlines() if line.startswith("- **")]
    assert len(paragraphs) == 9, holding  # one per kind: the 11 rows hold 9 kinds
    known = numbers_in(results) | numbers_in(derive(results))
    assert figures_of(holding) <= known, sorted(figures_of(holding) - known)
    assert "None" not in holding


@pytest.mark.parametrize(
    ("held", "continued", "said"),
    [
        (239, 31, "the lever is a cheaper continue-as-new"),
        (4013, 2, "a late command pays for the run's length, the lever is shorter runs"),
        (266, 0, "a late command pays for the run's length, the lever is shorter runs"),
    ],
)
def test_the_sustained_paragraph_reads_the_runs_length(
    results: dict[str, Any], held: int, continued: int, said: str
) -> None:
    """Short runs that continued as new during the drive (`short-runs`): the late window's
    excess is the continue-as-new it meets, not a long run; long runs: the run's length."""
    s = results["sustained"]
    sustained = {
        **s,
        "current_run_events": {**s["current_run_events"], "max": held},
        "continue_as_new_per_pathway": {"min": continued, "max": continued},
    }
    missed = {
        **results,
        "sustained": sustained,
        "targets": [{**row, "met": False} for row in results["targets"]],
    }
    reading = generate(missed, FIXTURE.name)
    [paragraph] = [line for line in reading.splitlines() if "**Sustained commands**" in line]
    assert said in paragraph
    known = numbers_in(missed) | numbers_in(derive(missed))
    assert figures_of(paragraph) <= known, sorted(figures_of(paragraph) - known)


def test_a_run_whose_dashboard_part_failed_is_read_with_the_reason(
    results: dict[str, Any],
) -> None:
    """The eighth full run's: no dump on a new machine, the part answered an error, and the
    reading stopped on it (KeyError), losing RESULTS.md."""
    failed = {
        **results,
        "indicators": {"pathways": 100000, "error": "indicators_scale.py: no_dump: no dump\n"},
        "targets": [{**row, "met": False} for row in results["targets"]],
    }
    reading = generate(failed, FIXTURE.name)
    [paragraph] = [line for line in reading.splitlines() if "**Indicator dashboard**" in line]
    assert "not measured in this run (indicators_scale.py: no_dump: no dump)" in paragraph


@pytest.mark.parametrize(("cached", "bounded"), [(None, False), (10_000_000, False), (1, True)])
def test_the_memory_paragraph_reads_the_worker_s_cache_size(
    results: dict[str, Any], cached: int | None, bounded: bool
) -> None:
    """A worker whose cache is smaller than the caseload holds the cache's pathways, not the
    caseload's: the reading says so and derives no weight per pathway added past it."""
    settings = {} if cached is None else {"worker_settings": {"cached_workflows": cached}}
    run = {
        **results,
        **settings,
        "targets": [{**row, "met": False} for row in results["targets"]],
    }
    reading = generate(run, FIXTURE.name)
    [paragraph] = [line for line in reading.splitlines() if "**Worker memory**" in line]
    assert ("memory holds the cache's, not the caseload's" in paragraph) is bounded
    assert ("KB for each pathway more" in paragraph) is not bounded
    assert ("rss_kb_per_added_pathway" in derive(run)) is not bounded
    growth = reading.split("## Growth", 1)[1]
    assert (f"caches at most {cached} pathways" in growth) is (cached is not None)
    known = numbers_in(run) | numbers_in(derive(run))
    assert figures_of(paragraph) <= known, sorted(figures_of(paragraph) - known)
