"""When Temporal or PostgreSQL cannot be reached: 503 with Retry-After, never a half answer.

A command is a workflow update keyed by its `command_id`: if no reply comes within the
reply timeout, the command may still be applied, so the answer tells the client to resend
the same `command_id` (which is answered, never applied twice). Reads that cannot reach the
database get the same 503. Anything else unexpected stays a 500 and is logged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from psycopg import OperationalError
from psycopg_pool import PoolTimeout
from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from web.problems import ProblemError, problem_response

log = structlog.get_logger("pathways.web.outages")

T = TypeVar("T")

UNAVAILABLE = "unavailable"
RETRY_AFTER_SECONDS = 5
GAVE_UP_WAITING = (
    "the workflow service stopped waiting for an answer; a command may still be applied: "
    "resend it with the same command_id to learn its outcome without applying it twice"
)
OUTAGE_DETAILS = {
    RPCStatusCode.UNAVAILABLE: "the workflow service cannot be reached; retry shortly",
    RPCStatusCode.RESOURCE_EXHAUSTED: "the workflow service is overloaded; retry shortly",
    # The server was reached and gave up waiting (an update sent three times,
    # `client.interrupted`): what was sent may have been applied.
    RPCStatusCode.DEADLINE_EXCEEDED: GAVE_UP_WAITING,
    RPCStatusCode.CANCELLED: GAVE_UP_WAITING,
}
"""The statuses of Temporal that are an outage (503 with Retry-After), each with what the
answer tells the client; any other status is not an outage and stays a 500."""


class Unavailable(ProblemError):
    """A dependency is down or too slow: 503, with the seconds after which to retry."""

    def __init__(self, detail: str) -> None:
        super().__init__(UNAVAILABLE, detail, status=503)


async def within(reply: Awaitable[T], timeout: float, command_id: str) -> T:
    """The workflow's reply, or `Unavailable` when none comes within `timeout` seconds."""
    try:
        return await asyncio.wait_for(reply, timeout)
    except (TimeoutError, RPCTimeoutOrCancelledError):
        log.warning("reply_timeout", command_id=command_id, timeout=timeout)
        raise Unavailable(
            f"no reply within {timeout:g} s; the command may still be applied: resend it with"
            f" the same command_id ({command_id}) to learn its outcome without applying it twice"
        ) from None


def install_outage_handlers(app: FastAPI) -> None:
    """Map unreachable Temporal and PostgreSQL to 503 problem+json with Retry-After."""
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}

    async def on_unavailable(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Unavailable)
        return problem_response(UNAVAILABLE, error.detail, status=503, headers=retry)

    async def on_temporal(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RPCError)
        if error.status not in OUTAGE_DETAILS:
            raise error
        log.warning("temporal_unavailable", path=request.url.path, status=error.status.name)
        return problem_response(
            UNAVAILABLE, OUTAGE_DETAILS[error.status], status=503, headers=retry
        )

    async def on_database(request: Request, error: Exception) -> JSONResponse:
        log.warning("database_unavailable", path=request.url.path, error=type(error).__name__)
        return problem_response(
            UNAVAILABLE,
            "the database cannot be reached; retry shortly",
            status=503,
            headers=retry,
        )

    app.add_exception_handler(Unavailable, on_unavailable)
    app.add_exception_handler(RPCError, on_temporal)
    app.add_exception_handler(OperationalError, on_database)
    app.add_exception_handler(PoolTimeout, on_database)
