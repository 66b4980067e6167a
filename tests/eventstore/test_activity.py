"""The append activity: store errors become Temporal failures of the right kind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import psycopg
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.pathways.event_store import AppendRequest, EventStoreActivities
from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.eventstore.base import AppendResult, EventStore
from infra.eventstore.memory import InMemoryEventStore
from tests.eventstore.builders import read_models, records, summary

P1 = "pw-0001"


def request(expected_version: int, command_id: str, count: int = 1) -> AppendRequest:
    return AppendRequest(
        stream_id=P1,
        expected_version=expected_version,
        records=records(P1, expected_version, command_id, count),
        read_models=read_models(summary(P1, expected_version + count)),
    )


async def test_appends_and_answers_a_retry_as_a_duplicate() -> None:
    store = InMemoryEventStore()
    activities = EventStoreActivities(store)
    env = ActivityEnvironment()

    first: AppendResult = await env.run(activities.append_events, request(0, "c-1", 2))
    retry: AppendResult = await env.run(activities.append_events, request(0, "c-1", 2))

    assert (first.duplicate, retry.duplicate) == (False, True)
    assert retry.global_positions == first.global_positions
    assert await store.stream_version(P1) == 2


async def test_a_concurrency_conflict_is_a_non_retryable_application_error() -> None:
    store = InMemoryEventStore()
    activities = EventStoreActivities(store)
    await store.append(P1, 0, records(P1, 0, "c-1"), None)

    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(activities.append_events, request(0, "c-2"))

    assert raised.value.type == "concurrency_conflict"
    assert raised.value.non_retryable is True
    assert raised.value.details == ({"stream_id": P1, "expected_version": 0, "actual_version": 1},)
    assert await store.stream_version(P1) == 1


async def test_a_malformed_batch_is_a_non_retryable_application_error() -> None:
    activities = EventStoreActivities(InMemoryEventStore())
    gap = AppendRequest(
        stream_id=P1,
        expected_version=0,
        records=records(P1, 1, "c-1"),
        read_models=read_models(summary(P1, 2)),
    )

    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(activities.append_events, gap)

    assert (raised.value.type, raised.value.non_retryable) == ("invalid_append", True)


class UnreachableDatabase:
    async def append(
        self,
        stream_id: str,
        expected_version: int,
        records: Sequence[EventRecord],
        read_models: ReadModelUpdate | None = None,
    ) -> AppendResult:
        raise psycopg.OperationalError("connection refused")


async def test_an_unreachable_database_stays_retryable() -> None:
    activities = EventStoreActivities(cast(EventStore, UnreachableDatabase()))

    # Not an ApplicationError: Temporal retries it under the activity's retry policy.
    with pytest.raises(psycopg.OperationalError):
        await ActivityEnvironment().run(activities.append_events, request(0, "c-1"))


def test_a_request_needs_at_least_one_record() -> None:
    with pytest.raises(ValueError):
        AppendRequest(
            stream_id=P1, expected_version=0, records=[], read_models=read_models(summary(P1, 0))
        )
