"""The scale bench (bench/indicators_scale.py) still runs, small: no timings are asserted."""

from __future__ import annotations

import pytest

from bench.indicators_scale import measure_on

pytestmark = pytest.mark.integration

MEASURED = (
    "dashboard_page_coordinator",
    "dashboard_page_supervisor",
    "period_one_year_by_organisation",
    "trend_12_points_one_query",
    "trend_12_points_kept",
    "trend_12_points_scoped",
)


async def test_the_indicator_bench_runs_at_a_small_size_and_its_trend_equals_the_tables(
    database: str,
) -> None:
    result = await measure_on(database, pathways=2000, per_pathway=5, runs=1)
    assert result["rows"]["indicator_dimensions"] == 2000
    assert result["rows"]["events"] == 10_000
    assert result["rows"]["indicator_facts"] > 2000
    # Who owned each pathway: one row each, and a second for the one in twenty transferred.
    assert result["rows"]["ownership_facts"] == 2000 + 100
    assert result["checks"] == {
        "trend_equals_tables": True,
        "kept_trend_equals_tables": True,
        "scoped_trend_equals_tables": True,
        "scoped_tables_add_up": True,
    }
    for name in MEASURED:
        assert result["queries"][name]["median_s"] > 0
        assert "ratio_to_baseline" in result["queries"][name]
