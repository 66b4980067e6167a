"""The event store contract: every implementation (in-memory, Postgres) passes these."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from domain.projections import Obligation, PathwaySummary, ReadModelUpdate
from domain.records import EventRecord
from domain.values import Actor, Role, Stage
from infra.eventstore.base import CommandIdConflict, ConcurrencyConflict, EventStore, InvalidAppend
from tests.eventstore.builders import (
    T0,
    obligation,
    read_models,
    records,
    summary,
    without_position,
)

P1 = "pw-0001"
P2 = "pw-0002"


async def open_pathway(
    store: EventStore, stream_id: str = P1, count: int = 1, **summary_fields: object
) -> list[EventRecord]:
    batch = records(stream_id, 0, f"{stream_id}-open", count)
    row = summary(stream_id, count, **summary_fields)  # type: ignore[arg-type]
    await store.append(
        stream_id, 0, batch, read_models(row, obligation("baseline", T0 + timedelta(days=7)))
    )
    return batch


async def snapshot(
    store: EventStore, pathway_id: str = P1
) -> tuple[list[EventRecord], PathwaySummary | None, list[Obligation]]:
    """Everything the store holds about one pathway, to show that nothing changed."""
    return (
        await store.read_all(),
        await store.caseload.get_summary(pathway_id),
        [o.obligation for o in await store.caseload.open_obligations(pathway_id=pathway_id)],
    )


def as_actor(batch: list[EventRecord], actor: Actor) -> list[EventRecord]:
    return [r.model_copy(update={"actor": actor}) for r in batch]


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


# --- idempotency and concurrency ------------------------------------------------------------


async def test_retry_of_the_same_command_returns_the_first_result_and_writes_nothing(
    store: EventStore,
) -> None:
    batch = records(P1, 0, "c-1", 2)
    first = await store.append(P1, 0, batch, read_models(summary(P1, 2)))
    before = await snapshot(store)

    # A retry whose read models differ (say, recomputed later) must not overwrite anything.
    retry = await store.append(
        P1, 0, batch, read_models(summary(P1, 2, stage=Stage.CLOSED), obligation("x", T0))
    )

    assert retry == first.model_copy(update={"duplicate": True})
    assert await snapshot(store) == before


async def test_retry_after_later_appends_is_still_a_duplicate(store: EventStore) -> None:
    batch = records(P1, 0, "c-1", 1)
    first = await store.append(P1, 0, batch, None)
    await store.append(P1, 1, records(P1, 1, "c-2", 1), None)

    retry = await store.append(P1, 0, batch, None)

    assert retry.duplicate is True
    assert retry.global_positions == first.global_positions
    assert await store.stream_version(P1) == 2


async def test_the_system_s_command_id_in_another_stream_is_not_a_duplicate(
    store: EventStore,
) -> None:
    system = records(P1, 0, "deadlines-1")[0].actor.model_copy(update={"role": Role.SYSTEM})
    await store.append(P1, 0, as_actor(records(P1, 0, "deadlines-1"), system), None)

    result = await store.append(P2, 0, as_actor(records(P2, 0, "deadlines-1"), system), None)

    assert result.duplicate is False
    assert await store.stream_version(P2) == 1


async def test_a_person_s_command_id_in_another_stream_is_refused(store: EventStore) -> None:
    await store.append(P1, 0, records(P1, 0, "c-1"), None)
    before = await snapshot(store, P2)

    with pytest.raises(CommandIdConflict) as raised:
        await store.append(P2, 0, records(P2, 0, "c-1"), read_models(summary(P2, 1)))

    assert raised.value.code == "command_id_conflict" and P1 not in str(raised.value)
    assert await snapshot(store, P2) == before


async def test_concurrent_appends_of_one_person_s_id_to_two_streams_let_one_win(
    store: EventStore,
) -> None:
    outcomes = await asyncio.gather(
        *(store.append(s, 0, records(s, 0, "c-1"), None) for s in (P1, P2)),
        return_exceptions=True,
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["AppendResult", "CommandIdConflict"]
    assert len(await store.read_all()) == 1


async def test_the_fingerprint_of_the_command_reads_back(store: EventStore) -> None:
    batch = [r.model_copy(update={"fingerprint": "ab" * 32}) for r in records(P1, 0, "c-1", 2)]

    await store.append(P1, 0, batch, None)

    assert [r.fingerprint for r in await store.read_stream(P1)] == ["ab" * 32] * 2


async def test_another_command_at_an_existing_version_conflicts_and_writes_nothing(
    store: EventStore,
) -> None:
    await open_pathway(store, count=2)
    before = await snapshot(store)

    with pytest.raises(ConcurrencyConflict) as raised:
        await store.append(
            P1, 1, records(P1, 1, "c-other", 1), read_models(summary(P1, 2, stage=Stage.CLOSED))
        )

    assert (raised.value.expected_version, raised.value.actual_version) == (1, 2)
    assert await snapshot(store) == before


async def test_expecting_a_version_the_stream_has_not_reached_conflicts(
    store: EventStore,
) -> None:
    with pytest.raises(ConcurrencyConflict) as raised:
        await store.append(P1, 3, records(P1, 3, "c-1"), read_models(summary(P1, 4)))

    assert raised.value.actual_version == 0
    assert await snapshot(store) == ([], None, [])


async def test_concurrent_attempts_of_one_command_append_it_once(store: EventStore) -> None:
    batch = records(P1, 0, "c-1", 2)

    results = await asyncio.gather(
        *(store.append(P1, 0, batch, read_models(summary(P1, 2))) for _ in range(3))
    )

    assert sorted(r.duplicate for r in results) == [False, True, True]
    assert len({r.global_positions for r in results}) == 1
    assert len(await store.read_all()) == 2


async def test_concurrent_different_commands_at_one_version_let_one_win(
    store: EventStore,
) -> None:
    caseworker_of = {"c-1": "cw-1", "c-2": "cw-2", "c-3": "cw-3"}
    attempts = [
        store.append(P1, 0, records(P1, 0, command), read_models(summary(P1, 1, caseworker_id=cw)))
        for command, cw in caseworker_of.items()
    ]

    outcomes = await asyncio.gather(*attempts, return_exceptions=True)

    assert sorted(type(o).__name__ for o in outcomes) == [
        "AppendResult",
        "ConcurrencyConflict",
        "ConcurrencyConflict",
    ]
    stored = await store.read_stream(P1)
    assert len(stored) == 1
    # The read models are the winner's, not a loser's.
    row = await store.caseload.get_summary(P1)
    assert row is not None and row.caseworker_id == caseworker_of[stored[0].command_id]


# --- read models in the same transaction ----------------------------------------------------


async def test_read_models_are_written_with_the_events(store: EventStore) -> None:
    row = summary(P1, 1)
    due = obligation("baseline", T0 + timedelta(days=7), kind="baseline")

    await store.append(P1, 0, records(P1, 0, "c-1"), read_models(row, due))

    assert await store.caseload.get_summary(P1) == row
    assert [(o.pathway_id, o.obligation) for o in await store.caseload.open_obligations()] == [
        (P1, due)
    ]


async def test_a_failed_append_leaves_neither_events_nor_read_models(store: EventStore) -> None:
    batch = records(P1, 0, "c-1", 2)
    # The last record cannot be stored (a set is not JSON), after everything else was written.
    poisoned = [batch[0], batch[1].model_copy(update={"data": {"ids": {"m-1"}}})]

    with pytest.raises(TypeError):
        await store.append(P1, 0, poisoned, read_models(summary(P1, 2), obligation("b", T0)))

    assert await snapshot(store) == ([], None, [])
    assert await store.stream_version(P1) == 0
    # The stream is still writable at version 0 and positions keep increasing.
    result = await store.append(P1, 0, batch, read_models(summary(P1, 2)))
    assert result.first_version == 1


async def test_obligations_are_replaced_on_each_append(store: EventStore) -> None:
    await open_pathway(store)
    await open_pathway(store, P2)
    assessment = obligation("assessment", T0 + timedelta(days=30), kind="assessment")
    target = obligation("measure:m-1:target", T0 + timedelta(days=60), "target", "m-1")

    await store.append(
        P1, 1, records(P1, 1, "c-2"), read_models(summary(P1, 2), assessment, target)
    )

    assert [o.obligation for o in await store.caseload.open_obligations(pathway_id=P1)] == [
        assessment,
        target,
    ]
    await store.append(P1, 2, records(P1, 2, "c-3"), read_models(summary(P1, 3)))
    assert await store.caseload.open_obligations(pathway_id=P1) == []
    # The other pathway's obligations are untouched.
    assert [o.obligation.obligation_id for o in await store.caseload.open_obligations()] == [
        "baseline"
    ]


async def test_open_obligations_due_before_an_instant_earliest_first(store: EventStore) -> None:
    early = obligation("baseline", T0 + timedelta(days=2))
    late = obligation("assessment", T0 + timedelta(days=30))
    other = obligation("baseline", T0 + timedelta(days=1))
    await store.append(P1, 0, records(P1, 0, "c-1"), read_models(summary(P1, 1), late, early))
    await store.append(P2, 0, records(P2, 0, "c-2"), read_models(summary(P2, 1), other))

    due = await store.caseload.open_obligations(due_before=T0 + timedelta(days=2))
    everything = await store.caseload.open_obligations()

    assert [(o.pathway_id, o.obligation) for o in due] == [(P2, other)]
    assert [(o.pathway_id, o.obligation) for o in everything] == [
        (P2, other),
        (P1, early),
        (P1, late),
    ]
    assert len(await store.caseload.open_obligations(limit=1)) == 1


async def test_list_summaries_filters_and_orders_by_next_deadline(store: EventStore) -> None:
    day = timedelta(days=1)
    active = Stage.ACTIVE
    rows = {
        pathway_id: summary(
            pathway_id, 1, organisation_id=org, caseworker_id=cw, stage=stage, next_deadline=due
        )
        for pathway_id, org, cw, stage, due in [
            ("pw-a", "org-a", "cw-1", Stage.RECEPTION, T0 + 3 * day),
            ("pw-b", "org-a", "cw-2", active, T0 + day),
            ("pw-c", "org-b", "cw-3", Stage.RECEPTION, None),
            ("pw-d", "org-a", "cw-1", active, None),
            ("pw-e", "org-b", "cw-3", Stage.RECEPTION, T0 + 2 * day),
        ]
    }
    for pathway_id, row in rows.items():
        opening = records(pathway_id, 0, f"{pathway_id}-open")
        await store.append(pathway_id, 0, opening, read_models(row))

    async def ids(**filters: object) -> list[str]:
        return [s.pathway_id for s in await store.caseload.list_summaries(**filters)]  # type: ignore[arg-type]

    assert await ids() == ["pw-b", "pw-e", "pw-a", "pw-c", "pw-d"]
    assert await ids(organisation_id="org-a") == ["pw-b", "pw-a", "pw-d"]
    assert await ids(caseworker_id="cw-1") == ["pw-a", "pw-d"]
    assert await ids(stage=Stage.ACTIVE) == ["pw-b", "pw-d"]
    assert await ids(organisation_id="org-a", caseworker_id="cw-1", stage=Stage.ACTIVE) == ["pw-d"]
    assert await ids(organisation_id="org-none") == []
    assert await ids(limit=2, offset=2) == ["pw-a", "pw-c"]
    assert await store.caseload.list_summaries(caseworker_id="cw-2") == [rows["pw-b"]]


async def test_replace_read_models_overwrites_one_pathway(store: EventStore) -> None:
    await open_pathway(store)
    await open_pathway(store, P2)
    rebuilt = summary(P1, 1, stage=Stage.ASSESSMENT)
    due = obligation("assessment", T0 + timedelta(days=30))

    await store.replace_read_models(ReadModelUpdate(summary=rebuilt, obligations=(due,)))

    assert await store.caseload.get_summary(P1) == rebuilt
    assert [o.obligation for o in await store.caseload.open_obligations(pathway_id=P1)] == [due]
    assert len(await store.caseload.open_obligations(pathway_id=P2)) == 1
    assert len(await store.read_all()) == 2


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
