"""A domain refusal as it crosses Temporal: one `ApplicationError` shape for every step.

A command the decider refuses (in a workflow's update validator) and an operation an
activity refuses as a whole (a bulk operation's selection) reach their sender the same way:
an `ApplicationError` whose type is the refusal's stable code, whose details carry the code
and the field, never retried.
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from domain.errors import DomainError


def refusal(error: DomainError) -> ApplicationError:
    """The Temporal failure for a refused command: its code as type, never retried."""
    return ApplicationError(
        error.message,
        {"code": error.code, "field": error.field},
        type=error.code,
        non_retryable=True,
    )
