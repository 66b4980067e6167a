"""The event store contract on idempotency and concurrency, which every store passes.

Part of the contract suite (test_append_and_read_contract.py says which files and stores).
Here: a command appended again is answered with its first result and writes nothing; a
person's command id is one command in every stream; a stale or concurrent append at a
version conflicts, and exactly one of several concurrent ones wins.
"""

from __future__ import annotations

import asyncio

import pytest

from domain.records import EventRecord
from domain.values import Actor, Role, Stage
from infra.eventstore.base import CommandIdConflict, ConcurrencyConflict, EventStore
from tests.eventstore.builders import T0, obligation, read_models, records, summary
from tests.eventstore.contract_pathways import P1, P2, open_pathway, snapshot


def as_actor(batch: list[EventRecord], actor: Actor) -> list[EventRecord]:
    return [r.model_copy(update={"actor": actor}) for r in batch]


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
