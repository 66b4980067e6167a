"""Put a deadline policy in force on every running pathway, without restarting any of them.

The running pathways come from a visibility query; each gets an `apply_policy` command (an
update, so its timer is recomputed at once) from an admin. A pathway that already follows
the policy is counted and left alone, so running the broadcast again changes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import structlog
from temporalio.client import (
    RPCTimeoutOrCancelledError,
    WorkflowQueryFailedError,
    WorkflowQueryRejectedError,
)
from temporalio.service import RPCError

from domain.commands import ApplyPolicy, CommandEnvelope
from domain.policy import Policy
from domain.values import Actor
from workflows.client import CommandRefused, PathwayClient

log = structlog.get_logger(__name__)

CONCURRENCY = 16
"""Pathways updated at the same time: enough to be quick, few enough not to flood a worker."""


class Outcome(StrEnum):
    APPLIED = "applied"
    ALREADY_IN_FORCE = "already_in_force"
    REFUSED = "refused"
    """The pathway refused the command (say, closed since it was listed)."""
    FAILED = "failed"
    """No answer, or Temporal failed the call: running the broadcast again may help."""


@dataclass(frozen=True)
class PathwayOutcome:
    pathway_id: str
    outcome: Outcome
    detail: str | None = None
    """For a refusal or a failure: the error code and message."""


@dataclass(frozen=True)
class BroadcastReport:
    """What became of the policy on each running pathway."""

    policy_id: str
    digest: str
    outcomes: tuple[PathwayOutcome, ...]

    def counts(self) -> dict[Outcome, int]:
        found = Counter(o.outcome for o in self.outcomes)
        return {outcome: found[outcome] for outcome in Outcome}

    @property
    def failed(self) -> int:
        return self.counts()[Outcome.FAILED]


def policy_digest(policy: Policy) -> str:
    """SHA-256 of the policy's canonical JSON: the same policy, the same digest."""
    return hashlib.sha256(policy.model_dump_json().encode()).hexdigest()


def apply_command_id(policy: Policy, pathway_id: str, version: int) -> str:
    """`policy-<digest>`: the policy applied on top of one version of one pathway.

    Deterministic, so a broadcast retried after a lost reply is answered, not applied
    twice. The version keeps a policy put back after another (A, then B, then A again)
    from being taken for a retry of the first. The pathway is in it because a person's
    command id names one command across every pathway (`command_id_conflict`); the digest
    keeps the id within an identifier's 64 characters whatever the pathway's id.
    """
    key = f"{policy_digest(policy)}:{pathway_id}:v{version}"
    return f"policy-{hashlib.sha256(key.encode()).hexdigest()[:40]}"


async def broadcast_policy(
    pathways: PathwayClient,
    policy: Policy,
    actor: Actor,
    *,
    concurrency: int = CONCURRENCY,
    timeout: float = 30.0,
) -> BroadcastReport:
    """Apply `policy` to every running pathway, `concurrency` at a time.

    Each pathway is given `timeout` seconds to answer. Failures are counted, not raised:
    one unreachable pathway does not keep the policy from the others.

    Raises:
        RPCError: the running pathways could not be listed.
    """
    pending = iter(await pathways.running_pathways())
    outcomes: list[PathwayOutcome] = []

    async def take_from_pending() -> None:
        # One shared iterator: each pathway is taken by exactly one of the tasks.
        for pathway_id in pending:
            outcomes.append(await _apply(pathways, pathway_id, policy, actor, timeout))

    async with asyncio.TaskGroup() as group:
        for _ in range(concurrency):
            group.create_task(take_from_pending())
    report = BroadcastReport(
        policy_id=policy.policy_id,
        digest=policy_digest(policy),
        outcomes=tuple(sorted(outcomes, key=lambda o: o.pathway_id)),
    )
    log.info(
        "policy.broadcast",
        policy_id=policy.policy_id,
        digest=report.digest[:16],
        **{outcome.value: count for outcome, count in report.counts().items()},
    )
    return report


async def _apply(
    pathways: PathwayClient, pathway_id: str, policy: Policy, actor: Actor, timeout: float
) -> PathwayOutcome:
    bound = log.bind(pathway_id=pathway_id, actor=actor.id)
    try:
        async with asyncio.timeout(timeout):
            state = await pathways.state(pathway_id)
            if state.policy == policy:
                return PathwayOutcome(pathway_id, Outcome.ALREADY_IN_FORCE)
            envelope = CommandEnvelope(
                command_id=apply_command_id(policy, pathway_id, state.version),
                actor=actor,
                command=ApplyPolicy(policy=policy),
            )
            bound = bound.bind(command_id=envelope.command_id)
            await pathways.send(pathway_id, envelope)
    except CommandRefused as refusal:
        if refusal.code == "already_recorded":  # it came into force since the query
            return PathwayOutcome(pathway_id, Outcome.ALREADY_IN_FORCE)
        bound.warning("policy.refused", code=refusal.code, reason=refusal.message)
        return PathwayOutcome(pathway_id, Outcome.REFUSED, f"{refusal.code}: {refusal.message}")
    # The SDK turns the cancellation of a pending call into its own error.
    except (TimeoutError, RPCTimeoutOrCancelledError):
        bound.warning("policy.no_reply", timeout=timeout)
        return PathwayOutcome(pathway_id, Outcome.FAILED, f"no reply within {timeout:g} s")
    except RPCError as err:
        bound.warning("policy.failed", reason=err.message)
        return PathwayOutcome(pathway_id, Outcome.FAILED, err.message)
    except (WorkflowQueryFailedError, WorkflowQueryRejectedError) as err:
        bound.warning("policy.failed", reason=str(err))
        return PathwayOutcome(pathway_id, Outcome.FAILED, f"its state could not be read: {err}")
    bound.info("policy.applied")
    return PathwayOutcome(pathway_id, Outcome.APPLIED)
