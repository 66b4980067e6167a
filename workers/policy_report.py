"""What `pathways policy apply` reports of a policy's roll-out: a count per outcome, and the
pathways that refused it or did not answer.

The roll-out is a bulk operation (`activities.pathways.policy_rollout`); this is its result in the
words the command has always printed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from workflows.bulk_models import BulkOperation, RollOutPolicy, policy_digest


class Outcome(StrEnum):
    APPLIED = "applied"
    ALREADY_IN_FORCE = "already_in_force"
    REFUSED = "refused"
    """The pathway refused the command (say, closed since it was listed)."""
    FAILED = "failed"
    """No answer in time, or Temporal failed the call: rolling it out again may help."""


ROW_OUTCOMES = {
    "done": Outcome.APPLIED,
    "unchanged": Outcome.ALREADY_IN_FORCE,
    "refused": Outcome.REFUSED,
    "failed": Outcome.FAILED,
}


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


def report_of(roll_out: BulkOperation) -> BroadcastReport:
    """The report of a finished roll-out, its pathways in order."""
    operation = roll_out.operation
    assert isinstance(operation, RollOutPolicy), roll_out.operation_id
    outcomes = []
    for row in roll_out.results:
        outcome = ROW_OUTCOMES[row.outcome]
        detail = None
        if outcome == Outcome.REFUSED:
            detail = f"{row.code}: {row.message}"
        elif outcome == Outcome.FAILED:
            detail = row.message or row.code
        outcomes.append(PathwayOutcome(row.pathway_id, outcome, detail))
    return BroadcastReport(
        policy_id=operation.policy.policy_id,
        digest=policy_digest(operation.policy),
        outcomes=tuple(sorted(outcomes, key=lambda o: o.pathway_id)),
    )
