"""A command whose update Temporal stopped waiting for is sent again, under its own id.

Under load the server may give up waiting for an update before the workflow answers it: an
update answered DEADLINE_EXCEEDED or CANCELLED by the server, which the SDK raises as a
`WorkflowUpdateRPCTimeoutOrCancelledError` caused by that `RPCError` (or, for the update of
an update-with-start, as the plain `RPCError` of the MultiOperation's update status; the
dev server did so under CI's load). The command may have been applied or not. Its update id
is its command id, so sending it again is answered, never applied twice: it is sent again,
twice at most, before the caller sees the outage (a 503 that says to resend).

The same exception raised because the caller's own task was cancelled (a reply timeout:
`web.outages.within`) is caused by `asyncio.CancelledError`, and is never retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

log = structlog.get_logger("pathways.commands")

T = TypeVar("T")

INTERRUPTED = frozenset({RPCStatusCode.CANCELLED, RPCStatusCode.DEADLINE_EXCEEDED})
RETRY_PAUSES = (0.2, 1.0)
"""Seconds before each further attempt: three in all."""


def interrupted(error: BaseException) -> bool:
    """Whether `error` is the server giving up waiting for the update (see the module)."""
    if isinstance(error, WorkflowUpdateRPCTimeoutOrCancelledError):
        cause = error.__cause__
        return isinstance(cause, RPCError) and cause.status in INTERRUPTED
    return isinstance(error, RPCError) and error.status in INTERRUPTED


async def sent_again_if_interrupted(send: Callable[[], Awaitable[T]], command_id: str) -> T:
    """`send()`'s answer, sending again while the server gives up waiting for it."""
    for pause in RETRY_PAUSES:
        try:
            return await send()
        except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as error:
            if not interrupted(error):
                raise
            log.warning("command_interrupted", command_id=command_id, sent_again_in=pause)
        await asyncio.sleep(pause)
    return await send()
