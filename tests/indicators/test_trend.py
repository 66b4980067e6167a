"""The trend in one query: `trend(points)` is `indicator_table(as_of=p)` at each point."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.indicators import CATALOGUE, Indicator, dimensions
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.indicators.caseloads import append_all, history, interleave
from tests.indicators.strategies import caseloads
from tests.indicators.test_intervals import churning
from tests.indicators.test_projector import caseload, figure, reset
from tests.scenarios import START

MICROSECOND = timedelta(microseconds=1)

# The churning facts change at almost every event (close, reopen, change weight): indicators
# over them make the property see many more interval edges than the real facts give.
CHURNING = (
    *CATALOGUE,
    *(
        Indicator(
            indicator_id=f"churn_{fact}",
            work_package=None,
            kind="count",
            label=fact,
            seed_ref="-",
            rule="-",
            numerator_fact=fact,
        )
        for fact in (
            "version_parity",
            "not_third",
            "stage_reception",
            "stage_planning",
            "stage_active",
        )
    ),
    Indicator(
        indicator_id="churn_rate",
        work_package=None,
        kind="rate",
        label="not third over parity",
        seed_ref="-",
        rule="-",
        numerator_fact="not_third",
        denominator_fact="version_parity",
        moment="baseline",
    ),
)


def around(instants: list[datetime]) -> list[datetime]:
    """Each instant, just before it and just after it: where `since <= p < until` bites."""
    return sorted({t + d for t in instants for d in (-MICROSECOND, timedelta(0), MICROSECOND)})


async def test_trend_equals_the_table_at_each_point_with_changes_and_a_backdated_event(
    pool: Pool,
) -> None:
    records = await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool)
    points = [START - timedelta(days=1), *around([r.recorded_at for r in records])]
    points.append(START + timedelta(days=400))
    for by, organisation, filters in (
        ((), None, {}),
        (("organisation_id", "gender"), None, {}),
        ((), "org-bari", {}),
        (("organisation_id",), None, {"gender": "female"}),
        ((), None, {"gender": "male", "age_band": "25-34"}),
    ):
        trend = await queries.trend(points, by=by, organisation_id=organisation, filters=filters)
        assert len(trend) == len(points)
        for point, table in zip(points, trend, strict=True):
            assert table == await queries.indicator_table(
                point, by=by, organisation_id=organisation, filters=filters
            ), (point, by, organisation, filters)
    # The back-dated assessment (happened on day 1, recorded on day 3) shows from day 3.
    assessed_c = next(r for r in records if r.stream_id == "pathway-p-c" and r.version == 3)
    before, after = await queries.trend(
        [assessed_c.recorded_at - MICROSECOND, assessed_c.recorded_at]
    )
    assert figure(before, "skills_assessed").value == 1
    assert figure(after, "skills_assessed").value == 2


async def test_trend_keeps_the_order_of_its_points_repeated_or_not(pool: Pool) -> None:
    await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool)
    late, early = START + timedelta(days=30), START
    trend = await queries.trend([late, early, late])
    assert trend[0] == trend[2] == await queries.indicator_table(late)
    assert trend[1] == await queries.indicator_table(early)
    assert await queries.trend([]) == []


async def test_trend_refuses_naive_points_and_unknown_dimensions(pool: Pool) -> None:
    queries = PostgresIndicatorQueries(pool)
    with pytest.raises(ValueError, match="time zone"):
        await queries.trend([datetime(2026, 1, 1)])
    with pytest.raises(ValueError, match="unknown dimensions"):
        await queries.trend([START], by=("caseworker_id",))


@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=caseloads, data=st.data())
async def test_trend_equals_the_table_at_every_edge_of_random_caseloads(
    pool: Pool, steps: Any, data: st.DataObject
) -> None:
    await reset(pool)
    store = PostgresEventStore(pool)
    await append_all(store, interleave([history(f"p-{i:03d}", s) for i, s in enumerate(steps)]))
    await PostgresIndicatorProjection(pool, facts_of=churning, dimensions_of=dimensions).catch_up()
    records = await store.read_all(0, 10_000)
    every = around([r.recorded_at for r in records])
    points = data.draw(st.lists(st.sampled_from(every), min_size=1, max_size=12))
    by = data.draw(st.sampled_from([(), ("organisation_id",), ("gender", "organisation_id")]))
    queries = PostgresIndicatorQueries(pool, CHURNING)
    trend = await queries.trend(points, by=by)
    assert trend == [await queries.indicator_table(p, by=by) for p in points]
