"""A confirmed duplicate counts once (docs/indicators.md, "One person, counted once"): two
pathways the coordinator linked as one person count as one in every indicator of people,
from the instant of the confirmation (recording time, as every as-of report); before it, a
report stays what it was. On PostgreSQL, the only implementation of the reports' reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.duplicates import Decision, DuplicateReason
from infra.db import Pool
from infra.eventstore.duplicates import DecidedPair
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.indicators.test_projector import caseload, figure

PERSON_FIGURES = ("skills_assessed", "housing_hardship_baseline")


async def test_a_confirmed_pair_counts_once_in_every_figure_from_its_confirmation(
    pool: Pool,
) -> None:
    records = await caseload(pool)  # p-a and p-c assessed, baseline recorded; p-b opened
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool)
    confirmed_at = records[-1].recorded_at + timedelta(hours=1)
    before, after = confirmed_at - timedelta(seconds=1), confirmed_at + timedelta(seconds=1)
    twice = await queries.indicator_table(after)
    assert figure(twice, "skills_assessed").value == 2
    assert figure(twice, "housing_hardship_baseline").denominator == 2
    await PostgresEventStore(pool).duplicates.decide(
        DecidedPair(
            "p-a", "p-c", Decision.CONFIRMED, DuplicateReason.DOCUMENT, "cora", confirmed_at
        )
    )
    once = await queries.indicator_table(after)
    assert figure(once, "skills_assessed").value == 1
    assert figure(once, "skills_assessed").numerator_pathways == 1
    assert figure(once, "housing_hardship_baseline").denominator == 1
    as_then = await queries.indicator_table(before)
    for indicator_id in PERSON_FIGURES:
        assert figure(as_then, indicator_id) == figure(twice, indicator_id), indicator_id
    days = (date(2026, 1, 1), after.date())
    assert figure(await queries.indicator_table(after, period=days), "skills_assessed").value == 1
    trend = await queries.trend([before, after])
    assert [figure(t, "skills_assessed").value for t in trend] == [2, 1]
    shown = await queries.pathways_for("skills_assessed", after)
    assert [c.pathway_id for c in shown] == ["p-a"], "the person's first pathway"
    assert len(await queries.pathways_for("skills_assessed", before)) == 2


async def test_an_undone_confirmation_counts_twice_again_from_its_undoing(pool: Pool) -> None:
    records = await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool)
    confirmed_at = records[-1].recorded_at + timedelta(hours=1)
    undone_at = confirmed_at + timedelta(days=1)
    confirmed = DecidedPair(
        "p-a", "p-c", Decision.CONFIRMED, DuplicateReason.DOCUMENT, "cora", confirmed_at
    )
    duplicates = PostgresEventStore(pool).duplicates
    await duplicates.decide(confirmed)
    await duplicates.decide(confirmed._replace(decision=Decision.UNDONE, decided_at=undone_at))
    between, after = confirmed_at + timedelta(hours=1), undone_at + timedelta(seconds=1)
    trend = await queries.trend([confirmed_at - timedelta(seconds=1), between, after])
    assert [figure(t, "skills_assessed").value for t in trend] == [2, 1, 2]
    assert len(await queries.pathways_for("skills_assessed", between)) == 1
    assert len(await queries.pathways_for("skills_assessed", after)) == 2


async def test_no_link_reads_as_before(pool: Pool) -> None:
    await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert figure(await queries.indicator_table(now), "skills_assessed").value == 2
