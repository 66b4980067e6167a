"""The event store contract on appending and reading, which every store passes.

Every implementation (in-memory, Postgres, Postgres sealing: the `store` fixture) passes the
contract suite: this file, test_idempotency_and_concurrency_contract.py and
test_read_models_contract.py. Here: records read back as appended, versions and global
positions follow each other, reads page and look back to an instant; a malformed batch is
refused and writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.eventstore.base import EventStore, InvalidAppend
from tests.eventstore.builders import (
    T0,
    obligation,
    read_models,
    records,
    summary,
    without_position,
)
from tests.eventstore.contract_pathways import P1, P2, snapshot

# --- appending and reading ------------------------------------------------------------------


async def test_appended_records_read_back_equal(store: EventStore) -> None:
    batch = records(P1, 0, "c-1", 3)

    result = await store.append(P1, 0, batch, read_models(summary(P1, 3)))

    stored = await store.read_stream(P1)
    assert without_position(stored) == batch
    assert [r.global_position for r in stored] == list(result.global_positions)
    assert (result.stream_id, result.first_version, result.last_version) == (P1, 1, 3)
    assert result.duplicate is False


async def test_unknown_stream_is_empty_at_version_zero(store: EventStore) -> None:
    assert await store.read_stream("pw-none") == []
    assert await store.stream_version("pw-none") == 0
    assert await store.caseload.get_summary("pw-none") is None


async def test_versions_follow_each_other_without_gaps(store: EventStore) -> None:
    await store.append(P1, 0, records(P1, 0, "c-1", 2), None)
    await store.append(P1, 2, records(P1, 2, "c-2", 1), None)
    await store.append(P1, 3, records(P1, 3, "c-3", 3), None)

    assert [r.version for r in await store.read_stream(P1)] == [1, 2, 3, 4, 5, 6]
    assert await store.stream_version(P1) == 6


async def test_global_positions_increase_across_streams(store: EventStore) -> None:
    results = [
        await store.append(P1, 0, records(P1, 0, "c-1", 2), None),
        await store.append(P2, 0, records(P2, 0, "c-2", 1), None),
        await store.append(P1, 2, records(P1, 2, "c-3", 2), None),
    ]

    everything = await store.read_all()
    positions = [r.global_position for r in everything]
    assert positions == [p for result in results for p in result.global_positions]
    assert None not in positions
    assert positions == sorted(set(positions))  # type: ignore[type-var]
    assert [(r.stream_id, r.version) for r in everything] == [
        (P1, 1), (P1, 2), (P2, 1), (P1, 3), (P1, 4)
    ]  # fmt: skip


async def test_read_all_resumes_after_a_position_in_pages(store: EventStore) -> None:
    await store.append(P1, 0, records(P1, 0, "c-1", 3), None)
    await store.append(P2, 0, records(P2, 0, "c-2", 2), None)
    everything = await store.read_all()

    first_page = await store.read_all(limit=2)
    rest = await store.read_all(after_position=first_page[-1].global_position or 0, limit=10)

    assert first_page + rest == everything
    assert await store.read_all(after_position=everything[-1].global_position or 0) == []


async def test_read_stream_known_at_shows_only_what_was_recorded_by_then(
    store: EventStore,
) -> None:
    monday, tuesday, wednesday = T0, T0 + timedelta(days=1), T0 + timedelta(days=2)
    first = records(P1, 0, "c-1", 1, recorded_at=monday)
    second = records(P1, 1, "c-2", 2, recorded_at=wednesday)
    await store.append(P1, 0, first, None)
    await store.append(P1, 1, second, None)

    assert without_position(await store.read_stream(P1, known_at=tuesday)) == first
    assert without_position(await store.read_stream(P1, known_at=wednesday)) == first + second
    assert await store.read_stream(P1, known_at=monday - timedelta(seconds=1)) == []
    # The same instant written in another time zone is the same instant.
    rome = timezone(timedelta(hours=1))
    assert len(await store.read_stream(P1, known_at=wednesday.astimezone(rome))) == 3


async def test_first_records_are_each_stream_s_opening_in_one_read(store: EventStore) -> None:
    first = records(P1, 0, "c-1", 2)
    await store.append(P1, 0, first, None)
    await store.append(P1, 2, records(P1, 2, "c-2", 1), None)
    await store.append(P2, 0, records(P2, 0, "c-3", 1), None)

    found = await store.first_records([P1, P2, "pw-none", P1])
    assert set(found) == {P1, P2}
    assert without_position([found[P1]]) == first[:1]
    assert found[P2].version == 1 and found[P2].command_id == "c-3"
    assert await store.first_records([]) == {}


# --- malformed batches ----------------------------------------------------------------------


def _naive_due() -> ReadModelUpdate:
    return read_models(summary(P1, 1), obligation("b", datetime(2025, 3, 10, 9, 0)))


def _twice_due() -> ReadModelUpdate:
    return read_models(summary(P1, 1), obligation("b", T0), obligation("b", T0 + timedelta(1)))


@pytest.mark.parametrize(
    ("expected_version", "batch", "models"),
    [
        pytest.param(0, [], None, id="empty"),
        pytest.param(0, records(P2, 0, "c-1"), None, id="other-stream"),
        pytest.param(0, records(P1, 1, "c-1"), None, id="gap"),
        pytest.param(0, [*records(P1, 0, "c-1"), *records(P1, 1, "c-2")], None, id="two-commands"),
        pytest.param(0, records(P1, 0, "c-1"), _naive_due(), id="naive-due-at"),
        pytest.param(0, records(P1, 0, "c-1"), _twice_due(), id="obligation-twice"),
        pytest.param(-1, records(P1, 0, "c-1"), None, id="negative-version"),
    ],
)
async def test_malformed_batches_are_refused_and_write_nothing(
    store: EventStore,
    expected_version: int,
    batch: list[EventRecord],
    models: ReadModelUpdate | None,
) -> None:
    with pytest.raises(InvalidAppend):
        await store.append(P1, expected_version, batch, models)

    assert await snapshot(store) == ([], None, [])


async def test_naive_query_instants_are_refused(store: EventStore) -> None:
    naive = datetime(2025, 3, 3, 9, 0)
    with pytest.raises(ValueError):
        await store.read_stream(P1, known_at=naive)
    with pytest.raises(ValueError):
        await store.caseload.open_obligations(due_before=naive)
