"""An append's round trips to PostgreSQL: the writes go out together (pipeline mode).

On loopback a round trip costs little; to a database on another machine each one is a
network latency on the path of every pathway command, inside the workflow task.
Counted from libpq's own trace of the protocol, so the figure is the wire's, not a timing.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from psycopg import pq
from psycopg_pool import AsyncConnectionPool

from infra.db import Pool
from infra.eventstore.postgres import PostgresEventStore
from tests.eventstore.builders import T0, obligation, read_models, records, summary


@pytest.fixture
async def one_connection(database: str) -> AsyncIterator[Pool]:
    """A pool of a single connection and no check on checkout, so the trace holds only
    what the store sends."""
    pool: Pool = AsyncConnectionPool(
        database, min_size=1, max_size=1, kwargs={"autocommit": True}, open=False
    )
    await pool.open(wait=True)
    try:
        yield pool
    finally:
        await pool.close()


async def round_trips_of(pool: Pool, trace: Path, work: object) -> int:
    fd = os.open(trace, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        async with pool.connection() as conn:
            conn.pgconn.trace(fd)
            conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        await work  # type: ignore[misc]
        async with pool.connection() as conn:
            conn.pgconn.untrace()
    finally:
        os.close(fd)
    # A flight is a run of messages from the client ("F") until the server answers ("B").
    senders = [line.split("\t", 1)[0] for line in trace.read_text().splitlines()]
    senders = [s for s in senders if s in ("F", "B")]
    return sum(1 for i, s in enumerate(senders) if s == "F" and (i == 0 or senders[i - 1] == "B"))


async def test_an_append_with_its_read_models_takes_five_round_trips(
    one_connection: Pool, tmp_path: Path
) -> None:
    store = PostgresEventStore(one_connection)
    await store.append("p-1", 0, records("p-1", 0, "c-0"), read_models(summary("p-1", 1)))
    models = read_models(summary("p-1", 3), obligation("baseline", T0), obligation("plan", T0))

    trips = await round_trips_of(
        one_connection,
        tmp_path / "trace",
        store.append("p-1", 1, records("p-1", 1, "c-1", 2), models),
    )

    # BEGIN; the stream's state; the summary, the obligations, the lock and the insert in
    # one flight; the pipeline's sync; COMMIT. One statement at a time it was eight.
    assert trips <= 5
    assert [r.version for r in await store.read_stream("p-1")] == [1, 2, 3]
    assert len(await store.caseload.open_obligations()) == 2
