"""`seed_demo`: a realistic caseload, sent through the same commands a caseworker sends.

The caseload is planned by `workers.demo_plan.plan_demo` (pure, deterministic for a seed)
and sent here through `PathwayClient`, a few pathways at a time. Running it again with the
same seed re-sends the same command ids, which the pathways answer without change; closed
pathways are left alone, since their workflows have completed.
"""

from __future__ import annotations

import asyncio
from datetime import date

import structlog
from pydantic import BaseModel, ConfigDict

from client.pathway import CommandRefused, PathwayClient
from domain.measures import MeasureKind
from domain.policy import Policy
from domain.values import Stage
from workers.demo_data import DEMO_ORGANISATIONS, DEMO_USERS, DemoOrganisation, DemoUser
from workers.demo_plan import DemoPathway, plan_demo

__all__ = [
    "DEMO_ORGANISATIONS",
    "DEMO_USERS",
    "DemoCommandRefused",
    "DemoOrganisation",
    "DemoPathway",
    "DemoStageMismatch",
    "DemoSummary",
    "DemoUser",
    "plan_demo",
    "seed_demo",
]

_log = structlog.get_logger(__name__)


class DemoSummary(BaseModel):
    """What the demo seeded: the pathways, where they stand, what was sent."""

    model_config = ConfigDict(frozen=True)

    pathway_ids: tuple[str, ...]
    by_stage: dict[Stage, int]
    suspended: int
    organisations: tuple[str, ...]
    measure_kinds_started: tuple[MeasureKind, ...]
    measure_kinds_completed: tuple[MeasureKind, ...]
    commands_sent: int
    """Commands sent in this run, retries of earlier runs included."""
    already_closed: int
    """Pathways found closed by an earlier run and left alone."""

    def __str__(self) -> str:
        stages = ", ".join(f"{stage} {n}" for stage, n in self.by_stage.items())
        kinds = len(MeasureKind)
        return (
            f"{len(self.pathway_ids)} demo pathways in {', '.join(self.organisations)}\n"
            f"by stage: {stages}; suspended {self.suspended}\n"
            f"measure kinds started {len(self.measure_kinds_started)} of {kinds}, "
            f"completed {len(self.measure_kinds_completed)} of {kinds}\n"
            f"commands sent {self.commands_sent}; pathways already closed {self.already_closed}"
        )


class DemoCommandRefused(RuntimeError):
    """A demo command that a pathway refused: a bug in the demo, since it broke a rule."""

    def __init__(self, pathway: DemoPathway, command_type: str, refusal: CommandRefused) -> None:
        super().__init__(
            f"demo pathway {pathway.pathway_id} (#{pathway.index}): {command_type} refused "
            f"with {refusal.code}: {refusal.message}"
        )
        self.pathway_id = pathway.pathway_id
        self.command_type = command_type
        self.code = refusal.code


class DemoStageMismatch(RuntimeError):
    """A demo pathway that ended in another stage than planned."""


async def seed_demo(
    pathways: PathwayClient,
    *,
    today: date,
    count: int = 60,
    seed: int = 7,
    concurrency: int = 8,
    policy: Policy,
) -> DemoSummary:
    """Open and carry `count` demo pathways through their commands; the same seed, the same ids.

    `today` is the business date of the pathways' clock (UTC): the dates inside the
    commands (starts, target dates, attendance months) are relative to it, while each
    command's business time is the moment the pathway records it. Every pathway is opened
    under `policy` (the demo policy, `infra.policy_file.load_demo_policy`).

    Raises:
        DemoCommandRefused: a pathway refused a command, naming the pathway, the command
            type and the error code.
        DemoStageMismatch: a pathway ended in another stage than planned.
    """
    plan = plan_demo(today, count, seed, policy=policy)
    gate = asyncio.Semaphore(concurrency)
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_send_pathway(pathways, p, gate)) for p in plan]
    except ExceptionGroup as failed:  # the first failure cancelled the others
        raise failed.exceptions[0] from None
    sent = [task.result() for task in tasks]
    started = set().union(*(p.measure_kinds("start_measure") for p in plan))
    completed = set().union(*(p.measure_kinds("complete_measure") for p in plan))
    summary = DemoSummary(
        pathway_ids=tuple(p.pathway_id for p in plan),
        by_stage={stage: sum(p.stage == stage for p in plan) for stage in Stage},
        suspended=sum(p.suspended for p in plan),
        organisations=tuple(sorted({p.organisation_id for p in plan})),
        measure_kinds_started=tuple(k for k in MeasureKind if k in started),
        measure_kinds_completed=tuple(k for k in MeasureKind if k in completed),
        commands_sent=sum(n for n in sent if n is not None),
        already_closed=sum(n is None for n in sent),
    )
    _log.info(
        "demo_seeded",
        pathways=len(plan),
        commands_sent=summary.commands_sent,
        already_closed=summary.already_closed,
    )
    return summary


async def _send_pathway(
    pathways: PathwayClient, pathway: DemoPathway, gate: asyncio.Semaphore
) -> int | None:
    """Send one pathway's commands in order; the number sent, or None if already closed."""
    async with gate:
        if await _is_closed(pathways, pathway.pathway_id):
            return None
        envelope, *rest = pathway.commands  # `envelope`: the command in flight
        try:
            result = await pathways.open(envelope)
            for envelope in rest:
                result = await pathways.send(pathway.pathway_id, envelope)
        except CommandRefused as refusal:
            raise DemoCommandRefused(pathway, envelope.command.type, refusal) from None
    if result.stage != pathway.stage:
        raise DemoStageMismatch(
            f"demo pathway {pathway.pathway_id} (#{pathway.index}) ended in {result.stage}, "
            f"planned {pathway.stage}"
        )
    _log.debug("demo_pathway_seeded", pathway_id=pathway.pathway_id, stage=result.stage)
    return len(pathway.commands)


async def _is_closed(pathways: PathwayClient, pathway_id: str) -> bool:
    """Whether an earlier run closed this pathway.

    A closed pathway's workflow has completed: a command would be refused as
    `pathway_closed`, and opening it again would start a new run, so it is left alone.
    """
    try:
        state = await pathways.state(pathway_id)
    except CommandRefused as refusal:
        if refusal.code == "pathway_not_found":
            return False
        raise
    return state.stage == Stage.CLOSED
