"""An opening whose update Temporal gave up waiting for is sent again, under the same id.

Temporal answers an update-with-start whose update it stopped waiting for (its history
service cancelled the wait: seen under CI load on the dev server) with a MultiOperation
failure whose update status is CANCELLED; the SDK passes that on as a plain `RPCError`, not
as the timeout it makes of the same status on the whole call. The opening may have been
applied or not; sending it again with the same command id is answered, never applied twice,
so the client does that a bounded number of times before the caller sees the outage.

The Temporal client here is a stand-in that answers the way the server did: the real
server cannot be made to cancel a wait on demand.
"""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.service import RPCError, RPCStatusCode

from client.pathway import OPEN_RETRY_PAUSES, PathwayClient
from domain.fingerprint import fingerprinted
from domain.values import Stage
from tests.workflows.journey import opening
from workflows.models import CommandResult


class _Service:
    async def describe_workflow_execution(self, _request: Any) -> Any:
        raise RPCError("workflow not found", RPCStatusCode.NOT_FOUND, b"")


class _Temporal:
    """Answers `interruptions` update-with-starts with `status`, then applies the opening."""

    namespace = "default"

    def __init__(self, interruptions: int, status: RPCStatusCode) -> None:
        self.workflow_service = _Service()
        self.interruptions, self.status = interruptions, status
        self.sent: list[str] = []

    async def execute_update_with_start_workflow(
        self, _update: str, envelope: Any, *, id: str, **_: Any
    ) -> CommandResult:
        self.sent.append(id)
        if len(self.sent) <= self.interruptions:
            raise RPCError("context canceled", self.status, b"")
        return CommandResult(
            pathway_id=envelope.command.pathway_id,
            command_id=envelope.command_id,
            version=1,
            stage=Stage.RECEPTION,
            events=("PathwayOpened",),
            fingerprint=envelope.fingerprint,
        )


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    async def instantly(_seconds: float) -> None:
        return None

    monkeypatch.setattr("client.pathway.asyncio.sleep", instantly)


@pytest.mark.parametrize("status", [RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED])
async def test_an_interrupted_opening_is_sent_again_with_the_same_command_id(
    status: RPCStatusCode,
) -> None:
    temporal = _Temporal(interruptions=len(OPEN_RETRY_PAUSES), status=status)
    envelope = fingerprinted(opening("p-interrupted"))

    result = await PathwayClient(temporal, "q").open(envelope)  # type: ignore[arg-type]

    assert result.command_id == envelope.command_id and result.version == 1
    assert temporal.sent == [envelope.command_id] * (len(OPEN_RETRY_PAUSES) + 1)


async def test_an_opening_interrupted_every_time_reaches_the_caller_as_the_outage() -> None:
    temporal = _Temporal(interruptions=99, status=RPCStatusCode.CANCELLED)

    with pytest.raises(RPCError) as raised:
        await PathwayClient(temporal, "q").open(opening("p-down"))  # type: ignore[arg-type]

    assert raised.value.status == RPCStatusCode.CANCELLED
    assert len(temporal.sent) == len(OPEN_RETRY_PAUSES) + 1


async def test_other_failures_are_not_sent_again() -> None:
    temporal = _Temporal(interruptions=1, status=RPCStatusCode.PERMISSION_DENIED)

    with pytest.raises(RPCError):
        await PathwayClient(temporal, "q").open(opening("p-denied"))  # type: ignore[arg-type]

    assert len(temporal.sent) == 1
