"""A deadline policy rolled out to the running pathways: the bulk operation `apply_policy`.

`BulkOperationWorkflow` runs it (`activities.pathways.bulk`): its rows are the pathways
running on the worker's task queue (a visibility query), and each row's step sends the
pathway an `apply_policy` command (an update, so its timer is recomputed at once) from an admin. A
pathway that already follows the policy is left alone (`unchanged`), so rolling a policy out
again changes nothing where it is in force.

Each command id is `apply_command_id`: the policy's digest, the pathway and the version the
command applies to, so a row sent again after a crash is answered with its first reply, or
finds the policy in force. A batch retried after a crash tells the rows its earlier attempt
applied (`done`) from those in force before it (`unchanged`) by the pathway's stream: the
event under this policy's command id, recorded since the batch was first scheduled.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime
from typing import Literal

import structlog
from temporalio.client import (
    RPCTimeoutOrCancelledError,
    WorkflowQueryFailedError,
    WorkflowQueryRejectedError,
)
from temporalio.service import RPCError, RPCStatusCode

from client.pathway import CommandRefused, PathwayClient, StreamReader
from domain.commands import ApplyPolicy, CommandEnvelope
from domain.policy import Policy
from domain.stream import stream_id_for
from domain.values import Actor, Frozen
from workflows.bulk_models import RollOutPolicy, policy_digest

__all__ = ["PolicyRow", "apply_command_id", "apply_policy"]

_log = structlog.get_logger(__name__)

NO_REPLY = "no_reply"
"""A row's code when its pathway did not answer in time: rolling the policy out again may
reach it."""
TRANSPORT = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED)
"""Temporal itself away: the batch is retried, not a row failed."""


class PolicyRow(Frozen):
    """What the policy's command did to one pathway."""

    pathway_id: str
    outcome: Literal["done", "unchanged", "refused", "failed"]
    code: str | None = None
    message: str | None = None


def apply_command_id(policy: Policy, pathway_id: str, version: int) -> str:
    """`policy-<digest>`: the policy applied on top of one version of one pathway.

    Deterministic, so a row sent again after a lost reply or a crash is answered, not
    applied twice. The version keeps a policy put back after another (A, then B, then A
    again) from being taken for a retry of the first. The pathway is in it because a
    person's command id names one command across every pathway (`command_id_conflict`); the
    digest keeps the id within an identifier's 64 characters whatever the pathway's id.
    """
    key = f"{policy_digest(policy)}:{pathway_id}:v{version}"
    return f"policy-{hashlib.sha256(key.encode()).hexdigest()[:40]}"


async def applied_since(
    history: StreamReader, policy: Policy, pathway_id: str, since: datetime
) -> bool:
    """Whether `policy` came in force on the pathway under its roll-out's command id since
    `since` (by an earlier attempt of the same batch, killed before it could answer)."""
    return any(
        record.type == "PolicyApplied"
        and record.recorded_at >= since
        and record.command_id == apply_command_id(policy, pathway_id, record.version - 1)
        for record in await history.read_stream(stream_id_for(pathway_id))
    )


async def apply_policy(
    pathways: PathwayClient,
    pathway_id: str,
    operation: RollOutPolicy,
    actor: Actor,
    *,
    retried: tuple[StreamReader, datetime] | None = None,
) -> PolicyRow:
    """Put the policy in force on one pathway, unless it already is; its row.

    `retried`, for a batch tried again: the pathways' streams and when the batch was first
    scheduled, so a row its earlier attempt applied is `done`, not `unchanged`.

    A refusal (say, a pathway closed since it was listed) and a pathway that does not answer
    within the operation's `row_timeout` are the row's result, not the batch's failure.

    Raises:
        RPCError: Temporal itself is unavailable; the batch is retried, and the rows already
            done answer with their first reply or as unchanged.
    """
    policy = operation.policy
    bound = _log.bind(pathway_id=pathway_id, actor=actor.id)
    try:
        async with asyncio.timeout(operation.row_timeout):
            state = await pathways.state(pathway_id)
            if state.policy == policy:
                if retried is not None:
                    history, since = retried
                    if await applied_since(history, policy, pathway_id, since):
                        return PolicyRow(pathway_id=pathway_id, outcome="done")
                return PolicyRow(pathway_id=pathway_id, outcome="unchanged")
            envelope = CommandEnvelope(
                command_id=apply_command_id(policy, pathway_id, state.version),
                actor=actor,
                command=ApplyPolicy(policy=policy),
            )
            bound = bound.bind(command_id=envelope.command_id)
            await pathways.send(pathway_id, envelope)
    except CommandRefused as refusal:
        if refusal.code == "already_recorded":  # it came into force since the query
            return PolicyRow(pathway_id=pathway_id, outcome="unchanged")
        bound.warning("policy.refused", code=refusal.code, reason=refusal.message)
        return PolicyRow(
            pathway_id=pathway_id, outcome="refused", code=refusal.code, message=refusal.message
        )
    # The SDK turns the cancellation of a pending call into its own error.
    except (TimeoutError, RPCTimeoutOrCancelledError):
        bound.warning("policy.no_reply", timeout=operation.row_timeout)
        return PolicyRow(
            pathway_id=pathway_id,
            outcome="failed",
            code=NO_REPLY,
            message=f"no reply within {operation.row_timeout:g} s",
        )
    except RPCError as err:
        if err.status in TRANSPORT:
            raise
        bound.warning("policy.failed", reason=err.message)
        return PolicyRow(
            pathway_id=pathway_id,
            outcome="failed",
            code=err.status.name.lower(),
            message=err.message,
        )
    except (WorkflowQueryFailedError, WorkflowQueryRejectedError) as err:
        bound.warning("policy.failed", reason=str(err))
        return PolicyRow(
            pathway_id=pathway_id,
            outcome="failed",
            code="state_unreadable",
            message=f"its state could not be read: {err}",
        )
    bound.info("policy.applied")
    return PolicyRow(pathway_id=pathway_id, outcome="done")
