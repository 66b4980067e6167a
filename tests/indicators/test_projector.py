"""The Postgres projector: incremental = rebuilt = in memory; crash-safe; as-of; scope; exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from domain.indicators import CATALOGUE, dimensions, facts
from domain.indicators.intervals import FactInterval, MemoryFacts
from domain.indicators.table import notes, table_cells
from domain.records import EventRecord
from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from infra.indicators.postgres_projection import PostgresIndicatorProjection
from infra.indicators.postgres_queries import PostgresIndicatorQueries
from tests.indicators.caseloads import append_all, history, interleave, opening
from tests.indicators.strategies import caseloads
from tests.indicators.test_intervals import churning
from tests.scenarios import ASSESSMENT, CASEWORKER, CONDITION, START
from web.reports.indicator_export import to_csv, write_xlsx

COLUMNS = (
    "pathway_id, fact, weight, since, occurred_since, opened_by, until, occurred_until, closed_by"
)


async def stored(pool: Pool) -> set[FactInterval]:
    async with pool.connection() as conn:
        cur = await conn.execute(f"SELECT {COLUMNS} FROM indicator_facts")
        return {FactInterval(*row) for row in await cur.fetchall()}


async def stored_dimensions(pool: Pool) -> dict[str, tuple[str | None, ...]]:
    async with pool.connection() as conn:
        cur = await conn.execute(
            "SELECT pathway_id, organisation_id, gender, age_band, nationality,"
            " protection_status FROM indicator_dimensions"
        )
        return {p: tuple(rest) for p, *rest in await cur.fetchall()}


async def reset(pool: Pool) -> None:
    async with pool.connection() as conn:
        await conn.execute(
            "TRUNCATE events, indicator_facts, indicator_dimensions, indicator_states,"
            " projection_positions"
        )


def memory_of(records: list[EventRecord], facts_of: Any = facts) -> MemoryFacts:
    memory = MemoryFacts(facts_of, dimensions)
    memory.apply(records)
    return memory


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=caseloads, data=st.data())
async def test_incremental_projection_equals_rebuild_and_memory(
    pool: Pool, steps: Any, data: st.DataObject
) -> None:
    await reset(pool)
    store = PostgresEventStore(pool)
    commands = interleave([history(f"p-{i:03d}", s) for i, s in enumerate(steps)])
    batch = data.draw(st.integers(1, 7))
    projector = PostgresIndicatorProjection(
        pool, facts_of=churning, dimensions_of=dimensions, batch_size=batch
    )
    chunks = data.draw(st.lists(st.integers(0, len(commands)), max_size=4))
    start = 0
    for cut in [*sorted(set(chunks)), len(commands)]:
        await append_all(store, commands[start:cut])
        start = max(start, cut)
        await projector.catch_up()
    records = await store.read_all(0, 10_000)
    incremental = await stored(pool)
    assert incremental == set(memory_of(records, churning).intervals)
    assert await stored_dimensions(pool) == memory_of(records, churning).dimensions
    queries = PostgresIndicatorQueries(pool)
    as_of = records[len(records) // 2].recorded_at
    table_before = await queries.indicator_table(as_of, by=("organisation_id", "gender"))
    assert await projector.rebuild() == len(records)
    assert await stored(pool) == incremental
    assert await queries.indicator_table(as_of, by=("organisation_id", "gender")) == table_before
    assert await projector.position() == records[-1].global_position


async def caseload(pool: Pool) -> list[EventRecord]:
    """Three pathways: two in Lecce (one assessed twice over), one in Bari, one back-dated."""
    store = PostgresEventStore(pool)
    lecce = [
        (opening("p-a", "org-lecce", "female"), CASEWORKER, 1, 0),
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER, 1, 0),
        (ASSESSMENT, CASEWORKER, 24, 0),
    ]
    other = [(opening("p-b", "org-lecce", "male"), CASEWORKER, 2, 0)]
    bari = [
        (opening("p-c", "org-bari", "female"), CASEWORKER, 3, 0),
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER, 1, 0),
        (ASSESSMENT, CASEWORKER, 72, 2),  # recorded on day 3, happened on day 1
    ]
    await append_all(
        store, interleave([history("p-a", lecce), history("p-b", other), history("p-c", bari)])
    )
    return await store.read_all(0, 100)


def figure(rows: Any, indicator_id: str, **cell: str) -> Any:
    (row,) = [r for r in rows if r.indicator_id == indicator_id and dict(r.cell) == cell]
    return row


async def test_as_of_a_date_before_and_after_a_change_and_a_backdated_event(pool: Pool) -> None:
    records = await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool)
    assessed_c = next(r for r in records if r.stream_id == "pathway-p-c" and r.version == 3)
    assert assessed_c.occurred_at < assessed_c.recorded_at - timedelta(days=1)
    before = await queries.indicator_table(assessed_c.recorded_at - timedelta(seconds=1))
    after = await queries.indicator_table(assessed_c.recorded_at)
    assert figure(before, "skills_assessed").value == 1  # p-a only
    assert figure(after, "skills_assessed").value == 2
    # A report of a past date does not change when a back-dated event is recorded later...
    day_one = (assessed_c.occurred_at + timedelta(hours=1)).date()
    period = (day_one, day_one)
    known_before = await queries.indicator_table(
        assessed_c.recorded_at - timedelta(seconds=1), period=period
    )
    known_after = await queries.indicator_table(assessed_c.recorded_at, period=period)
    # ...but the period (business time) shows it once it is known.
    assert (
        figure(known_after, "skills_assessed").value - figure(known_before, "skills_assessed").value
        == 1
    )
    # Female inactivity at baseline: p-a and p-c (women, inactive) of 2 women's baselines.
    rate = figure(after, "female_inactivity_baseline")
    assert (rate.numerator, rate.denominator, rate.value) == (2, 2, 1.0)
    assert figure(await queries.indicator_table(START), "skills_assessed").value == 0, (
        "nothing was known before the first event"
    )


async def test_a_supervisor_sees_only_their_organisation(pool: Pool) -> None:
    await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    queries = PostgresIndicatorQueries(pool)
    now = START + timedelta(days=30)
    scoped = await queries.pathways_for("skills_assessed", now, organisation_id="org-bari")
    assert [c.pathway_id for c in scoped] == ["p-c"]
    assert scoped[0].opened_by > 0
    everyone = await queries.pathways_for("skills_assessed", now)
    assert [c.pathway_id for c in everyone] == ["p-a", "p-c"]
    table = await queries.indicator_table(now, organisation_id="org-lecce")
    assert figure(table, "skills_assessed").value == 1
    by_org = await queries.indicator_table(now, by=("organisation_id",))
    assert figure(by_org, "skills_assessed", organisation_id="org-bari").value == 1
    with pytest.raises(ValueError):
        await queries.indicator_table(now, by=("caseworker_id",))


async def test_a_crash_between_or_inside_batches_changes_nothing_on_restart(pool: Pool) -> None:
    records = await caseload(pool)
    first = PostgresIndicatorProjection(pool, batch_size=2)
    assert await first.run_once() == 2
    position = await first.position()

    def crash(state: Any) -> dict[str, int]:
        raise RuntimeError("killed mid-batch")

    with pytest.raises(RuntimeError):
        await PostgresIndicatorProjection(pool, facts_of=crash, dimensions_of=dimensions).run_once()
    assert await first.position() == position  # the failed batch wrote nothing
    await PostgresIndicatorProjection(pool, batch_size=3).catch_up()  # a new process resumes
    resumed = await stored(pool)
    assert resumed == set(memory_of(records).intervals)
    await PostgresIndicatorProjection(pool).rebuild()
    assert await stored(pool) == resumed


def trimmed(row: list[str]) -> list[str]:
    while row and row[-1] == "":
        row = row[:-1]
    return row


async def test_csv_and_xlsx_show_the_same_numbers_and_suppress_small_cells(
    pool: Pool, tmp_path: Path
) -> None:
    await caseload(pool)
    await PostgresIndicatorProjection(pool).catch_up()
    now = START + timedelta(days=30)
    rows = await PostgresIndicatorQueries(pool).indicator_table(now, by=("organisation_id",))
    header, cells, suppressed = table_cells(rows, ["organisation_id"], threshold=2)
    lines = notes(now, 2, suppressed)
    text = to_csv(header, cells, lines)
    write_xlsx(tmp_path / "r.xlsx", header, cells, lines)
    sheet = load_workbook(tmp_path / "r.xlsx").active
    assert sheet is not None
    from_xlsx = [
        ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    from_csv = list(csv.reader(io.StringIO(text)))
    assert [trimmed(r) for r in from_csv if r] == [trimmed(r) for r in from_xlsx if any(r)]
    assessed = {r[0]: r for r in from_csv[1:] if len(r) > 1 and r[1] == "skills_assessed"}
    assert assessed["org-lecce"][5] == "", "1 person is fewer than 2: suppressed"
    assert suppressed > 0 and any("suppressed" in line for line in lines)
    _, open_cells, none = table_cells(rows, ["organisation_id"], threshold=1)
    assert none == 0
    assert len(open_cells) == len(cells) == 2 * len(CATALOGUE)
