"""Inputs and results of the pathway workflow: one model per entry point."""

from __future__ import annotations

from pydantic import Field

from domain.closure import PendingPayment
from domain.state import PathwayState
from domain.values import Frozen, Identifier, Stage
from workflows.patches import IN_FORCE

RESULTS_KEPT = 200
"""Replies remembered per pathway for commands retried across continue-as-new."""

RUN_EVENTS = 300
"""History events after which a run continues as new (patch `short-runs`): some fifty
commands. A command to a pathway no longer in the worker's cache replays its run from the
first event, at about 2.4 ms an event on the 2-core machine (bench/eviction.py): 300 events
keep that under a second, where Temporal's own suggestion (about 4,000 events) took 9.5 s,
close to the workflow task's 10 s timeout (docs/scale-out.md)."""


class CommandResult(Frozen):
    """The reply to an accepted command; the same reply for a retry of the same command id."""

    pathway_id: Identifier
    command_id: Identifier
    version: int
    stage: Stage
    events: tuple[str, ...]
    fingerprint: str | None = None
    """The fingerprint of the command applied under this id (`domain.fingerprint`); None
    for answers given before fingerprints were kept, and for the system's commands."""
    pending_payments: tuple[PendingPayment, ...] = ()
    """A warning with the reply to an exit: the payments still pending, which keep the
    pathway from closing until each is settled its way (`domain.closure`). Empty otherwise."""


class PathwayInput(Frozen):
    """Start input; on continue-as-new it carries the state and the recent replies."""

    pathway_id: Identifier
    state: PathwayState | None = None
    recent_results: dict[str, CommandResult] = Field(default_factory=dict)
    patches_in_force: tuple[str, ...] = ()
    """The patches (`workflows.patches`) this run has in force from its first task: it was
    begun by code that had them (an opening, a continue-as-new), so no task of it ever ran
    without them and the workflow does not ask `workflow.patched`, which would record a
    marker and a `TemporalChangeVersion` upsert for each, some fourteen history events a
    run. Empty in the inputs of runs begun before the field: they ask, as they did. A worker
    that predates the field refuses such an input (unknown fields are forbidden) and leaves
    the run to a newer one, so a run is never begun by code without them."""

    @classmethod
    def opening(cls, pathway_id: str) -> PathwayInput:
        """The input of a pathway's first run: every patch of this code in force."""
        return cls(pathway_id=pathway_id, patches_in_force=IN_FORCE)


WORKFLOW_ID_PREFIX = "pathway-"


def workflow_id_for(pathway_id: str) -> str:
    """`pathway-<opaque id>`: no personal data ever goes into a workflow id."""
    return f"{WORKFLOW_ID_PREFIX}{pathway_id}"


def pathway_id_for(workflow_id: str) -> str | None:
    """The pathway id of a pathway workflow's id; None for another workflow's."""
    if not workflow_id.startswith(WORKFLOW_ID_PREFIX):
        return None
    return workflow_id.removeprefix(WORKFLOW_ID_PREFIX)
