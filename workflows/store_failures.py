"""How the pathway workflow meets refusals and the event store's failures.

A command `decide` refuses, or an append the store refuses (a payment past its budget line,
a command id naming another pathway's events), reaches the sender as an update failure of
the refusal's code, never retried, and the workflow runs on (`activities.refusals.refusal`,
`store_refusal`). An
append that meets a stream ahead of the state (`concurrency_conflict`) is not a refusal: the
workflow catches up on the stream and decides again (`StreamAhead`). Any other failure of the
store is retried by the activities' policies here.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

STORE_REFUSALS = frozenset({"budget_line_exceeded", "budget_line_missing", "command_id_conflict"})
"""Append failures that refuse the command (a payment that no longer fits its budget line, a
person's command id that names another pathway's events), rather than reveal a fault: they
reach the sender like a refusal of `decide`."""

CATCH_UP_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=10)
)

APPEND_RETRY = RetryPolicy(
    initial_interval=timedelta(milliseconds=200),
    maximum_interval=timedelta(seconds=10),
    non_retryable_error_types=["concurrency_conflict", "invalid_append", *sorted(STORE_REFUSALS)],
)


def store_refusal(error: ActivityError) -> ApplicationError | None:
    """The refusal an append failed with, as `activities.refusals.refusal` gives it; None
    for any other failure.

    Nothing was written and the state is left as it was, so the command is refused as if
    `decide` had refused it: the update fails with the code, the workflow runs on.
    """
    cause = error.cause
    if not isinstance(cause, ApplicationError) or cause.type not in STORE_REFUSALS:
        return None
    return ApplicationError(
        cause.message, {"code": cause.type, "field": None}, type=cause.type, non_retryable=True
    )


def failure_type(error: ActivityError | ApplicationError) -> str | None:
    """The type the append activity failed with. A local activity's failure reaches the
    workflow as the activity's `ApplicationError` itself; a remote one's as its cause."""
    if isinstance(error, ApplicationError):
        return error.type
    return error.cause.type if isinstance(error.cause, ApplicationError) else None


def is_conflict(error: ActivityError | ApplicationError) -> bool:
    """Whether an append failed because the stream is past the version it expected."""
    return failure_type(error) == "concurrency_conflict"


class StreamAhead(Exception):
    """The append met a stream ahead of the state: the workflow catches up on the stream, then
    decides again (`PathwayWorkflow._catch_up`)."""

    def __init__(self, error: ActivityError | ApplicationError) -> None:
        super().__init__(str(error))
        self.error = error
