"""A command whose update Temporal stopped waiting for is sent again and applied once.

Under CI's load the dev server answered an opening's update-with-start with an update
status of CANCELLED (the stop of 7 December failed on it: a 503 for an opening that a second
attempt would have had answered). The server cannot be made to give up on demand, so a
client interceptor does what it does: it lets the update be applied, then answers the
caller the way the server's giving up reaches it, the first `losses` times of each kind.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from typing import Any

import pytest
from temporalio.client import (
    Client,
    Interceptor,
    OutboundInterceptor,
    StartWorkflowUpdateInput,
    StartWorkflowUpdateWithStartInput,
    WorkflowUpdateHandle,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError, RPCStatusCode

from client.interrupted import RETRY_PAUSES, interrupted
from client.pathway import PathwayClient
from domain.stream import stream_id_for
from tests.workflows.conftest import Harness
from tests.workflows.journey import envelope, opening

ATTEMPTS = len(RETRY_PAUSES) + 1


class _Losing(Interceptor):
    """Loses the answer to the first `losses` openings and commands, after they applied."""

    def __init__(self, status: RPCStatusCode, losses: int) -> None:
        self.status, self.losses = status, losses
        self.calls: Counter[str] = Counter()

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return _LosingOutbound(next, self)

    def sent(self, kind: str) -> int:
        """Count one call of `kind`; its number."""
        self.calls[kind] += 1
        return self.calls[kind]


class _LosingOutbound(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, losing: _Losing) -> None:
        super().__init__(next)
        self._losing = losing

    async def start_update_with_start_workflow(
        self, input: StartWorkflowUpdateWithStartInput
    ) -> WorkflowUpdateHandle[Any]:
        call = self._losing.sent("open")
        handle = await super().start_update_with_start_workflow(input)
        if call <= self._losing.losses:
            # As the SDK passes on the update status of a MultiOperation failure.
            raise RPCError("context canceled", self._losing.status, b"")
        return handle

    async def start_workflow_update(
        self, input: StartWorkflowUpdateInput
    ) -> WorkflowUpdateHandle[Any]:
        call = self._losing.sent("send")
        handle = await super().start_workflow_update(input)
        if call <= self._losing.losses:
            # As the SDK raises the same statuses on an update's call.
            server = RPCError("context deadline exceeded", self._losing.status, b"")
            raise WorkflowUpdateRPCTimeoutOrCancelledError() from server
        return handle


def losing_client(h: Harness, losing: _Losing) -> PathwayClient:
    client = Client(**{**h.env.client.config(), "interceptors": [losing]})
    return PathwayClient(client, h.task_queue, h.store)


def note() -> Any:
    return envelope({"type": "add_note", "text": "Colloquio con la tutor"})


@pytest.mark.parametrize("status", [RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED])
async def test_a_command_the_server_gave_up_on_is_sent_again_and_applied_once(
    harness: Harness, status: RPCStatusCode
) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    losing = _Losing(status, losses=ATTEMPTS - 1)
    pathways = losing_client(h, losing)
    first, second = opening(pid), note()
    async with h.worker():
        opened = await pathways.open(first)
        noted = await pathways.send(pid, second)
    assert losing.calls == {"open": ATTEMPTS, "send": ATTEMPTS}
    assert (opened.version, noted.version) == (1, 2)
    records = await h.store.read_stream(stream_id_for(pid))
    assert [r.command_id for r in records] == [first.command_id, second.command_id]


async def test_past_the_last_attempt_the_caller_sees_the_outage(harness: Harness) -> None:
    h = harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    losing = _Losing(RPCStatusCode.CANCELLED, losses=ATTEMPTS)
    pathways = losing_client(h, losing)
    async with h.worker():
        with pytest.raises(RPCError) as raised:
            await pathways.open(opening(pid))
        assert raised.value.status == RPCStatusCode.CANCELLED
        with pytest.raises(WorkflowUpdateRPCTimeoutOrCancelledError):
            await pathways.send(pid, note())
    assert losing.calls == {"open": ATTEMPTS, "send": ATTEMPTS}
    records = await h.store.read_stream(stream_id_for(pid))
    assert len(records) == 2, "each applied once, whatever the caller was told"


async def test_a_command_the_caller_stopped_waiting_for_is_not_sent_again(
    dev_harness: Harness,
) -> None:
    """The reply timeout of the web (`web.outages.within`) cancels the call: the SDK raises
    the same exception, caused by the cancellation, and it is no reason to send again."""
    h = dev_harness
    pid = f"p-{uuid.uuid4().hex[:12]}"
    losing = _Losing(RPCStatusCode.CANCELLED, losses=0)
    pathways = losing_client(h, losing)
    async with h.worker():
        await pathways.open(opening(pid))
    # No worker: the update waits until the caller gives up.
    with pytest.raises((TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError)):
        await asyncio.wait_for(pathways.send(pid, note()), 1.0)
    await asyncio.sleep(RETRY_PAUSES[0] + 0.5)
    assert losing.calls == {"open": 1, "send": 1}


def test_only_the_server_giving_up_counts_as_interrupted() -> None:
    def caused_by(cause: BaseException) -> WorkflowUpdateRPCTimeoutOrCancelledError:
        error = WorkflowUpdateRPCTimeoutOrCancelledError()
        error.__cause__ = cause
        return error

    cancelled = RPCError("context canceled", RPCStatusCode.CANCELLED, b"")
    assert interrupted(cancelled)
    assert interrupted(caused_by(cancelled))
    assert not interrupted(caused_by(asyncio.CancelledError()))
    assert not interrupted(RPCError("denied", RPCStatusCode.PERMISSION_DENIED, b""))
    assert not interrupted(RPCError("gone", RPCStatusCode.NOT_FOUND, b""))
