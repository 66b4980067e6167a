"""The activity that appends a pathway's events and its read models to the event store."""

from __future__ import annotations

import structlog
from pydantic import Field
from temporalio import activity
from temporalio.exceptions import ApplicationError

from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from domain.stream import stream_id_for
from domain.values import Frozen
from infra.eventstore.base import (
    AppendResult,
    BudgetLineExceeded,
    CommandIdConflict,
    ConcurrencyConflict,
    EventStore,
    InvalidAppend,
)
from infra.metrics import record_appended

__all__ = ["AppendRequest", "AppendResult", "CatchUpRequest", "EventStoreActivities"]

_log = structlog.get_logger(__name__)


class AppendRequest(Frozen):
    """One command's events, the version the stream is expected at, and the read models."""

    stream_id: str
    expected_version: int = Field(ge=0)
    records: list[EventRecord] = Field(min_length=1)
    read_models: ReadModelUpdate


class CatchUpRequest(Frozen):
    """The events of a stream after the version a workflow's state is at."""

    stream_id: str
    after_version: int = Field(ge=0)


class EventStoreActivities:
    """Event store activities; the store is injected by the worker's composition root."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    @activity.defn(name="append_events")
    async def append_events(self, request: AppendRequest) -> AppendResult:
        """Append one command's events and write its read models in one transaction.

        Idempotent, keyed by (stream_id, command_id): a retry after a lost reply returns
        the first result with duplicate=True and writes nothing. Meant to run as a local
        activity of the pathway workflow, the single writer of its stream.

        Raises:
            ApplicationError: non-retryable, type `concurrency_conflict` when the stream
                moved past `expected_version` under another command, or `invalid_append`
                for a malformed batch; a refusal, type `budget_line_exceeded` or
                `budget_line_missing`, when a payment approved by the command does not fit
                in its budget line, or `command_id_conflict` when a person's command id
                already names another stream's events (nothing is written). Any other
                error (the database being unreachable, say) propagates as is and is retried.
        """
        # Called outside a worker too (the crash tests' process): no workflow id then.
        workflow_id = activity.info().workflow_id if activity.in_activity() else None
        log = _log.bind(
            stream_id=request.stream_id,
            command_id=request.records[0].command_id,
            workflow_id=workflow_id,
            pathway_id=request.stream_id.removeprefix(stream_id_for("")),
        )
        try:
            result = await self._store.append(
                request.stream_id, request.expected_version, request.records, request.read_models
            )
        except ConcurrencyConflict as conflict:
            log.warning(
                "append_conflict",
                expected_version=conflict.expected_version,
                actual_version=conflict.actual_version,
            )
            raise ApplicationError(
                str(conflict),
                {
                    "stream_id": conflict.stream_id,
                    "expected_version": conflict.expected_version,
                    "actual_version": conflict.actual_version,
                },
                type="concurrency_conflict",
                non_retryable=True,
            ) from conflict
        except BudgetLineExceeded as exceeded:
            log.info(
                "append_refused",
                code=exceeded.code,
                budget_line=exceeded.line_id,
                entry_id=exceeded.entry_id,
                amount=exceeded.amount,
                available=exceeded.available,
            )
            raise ApplicationError(
                str(exceeded),
                {
                    "code": exceeded.code,
                    "field": None,
                    "budget_line": exceeded.line_id,
                    "available": exceeded.available,
                },
                type=exceeded.code,
                non_retryable=True,
            ) from exceeded
        except CommandIdConflict as conflict:
            log.info("append_refused", code=conflict.code)
            raise ApplicationError(
                str(conflict),
                {"code": conflict.code, "field": "command_id"},
                type=conflict.code,
                non_retryable=True,
            ) from conflict
        except InvalidAppend as invalid:
            raise ApplicationError(
                str(invalid), type="invalid_append", non_retryable=True
            ) from invalid
        if not result.duplicate:
            record_appended([r.type for r in request.records])
        log.info(
            "events_appended",
            first_version=result.first_version,
            last_version=result.last_version,
            duplicate=result.duplicate,
        )
        return result

    @activity.defn(name="read_events_after")
    async def read_events_after(self, request: CatchUpRequest) -> list[EventRecord]:
        """The stream's events after `request.after_version`, oldest first.

        What a workflow missed when one of its own appends landed but the workflow task
        that ran it was lost (its worker stopped between the append and the task's
        completion): the workflow folds them and carries on, instead of meeting a
        concurrency conflict on every command after.
        """
        records = await self._store.read_stream(request.stream_id)
        missed = [r for r in records if r.version > request.after_version]
        _log.warning(
            "stream_caught_up",
            stream_id=request.stream_id,
            after_version=request.after_version,
            events=len(missed),
            command_ids=sorted({r.command_id for r in missed}),
        )
        return missed
