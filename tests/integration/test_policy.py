"""Policy files on the real dev server: a change reaches running pathways; a bad file stops all.

The running pathways' timers move without a restart: after `pathways policy apply` with
deadlines of seconds, their ladders climb by themselves, recorded by `system:deadlines`.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.records import EventRecord
from domain.stream import stream_id_for
from domain.values import Actor, Role
from infra.eventstore.postgres import PostgresEventStore
from tests.integration.conftest import (
    PATHWAYS,
    Deployment,
    Ran,
    in_process,
    run,
    seconds_policy,
)
from tests.scenarios import OPEN

pytestmark = pytest.mark.integration

ANNA = Actor(id="anna", role=Role.CASEWORKER)
VISIBILITY_TIMEOUT = 10.0
LADDER_TIMEOUT = 45.0

BASELINE_SECONDS = 30
"""The baseline falls due 30 s after the opening: long enough for the policy to arrive
before any step falls due (so each step is taken by the moved timer, not caught up at
once), even on a loaded machine where `pathways policy apply` takes ten seconds (12 s
were not: its first step fell due before the policy was in force)."""
SECONDS_POLICY = seconds_policy(BASELINE_SECONDS, 4, 3)
BAD_POLICY = SECONDS_POLICY.replace(
    f'baseline = "{BASELINE_SECONDS} seconds"', f'baseline = "{BASELINE_SECONDS} secs"'
)
BAD_SPAN_LINE = 1 + BAD_POLICY.splitlines().index(f'baseline = "{BASELINE_SECONDS} secs"')
LADDER = ["DeadlineReminderSent", "DeadlineEscalated", "DeadlineEscalated"]


def opening(pathway_id: str) -> CommandEnvelope:
    return CommandEnvelope(
        command_id=f"open-{pathway_id}",
        actor=ANNA,
        command=COMMAND_ADAPTER.validate_python({**OPEN, "pathway_id": pathway_id}),
    )


def new_id() -> str:
    return f"p-{uuid.uuid4().hex[:12]}"


async def stream(deployment: Deployment, pathway_id: str) -> list[EventRecord]:
    return await PostgresEventStore(deployment.pool).read_stream(stream_id_for(pathway_id))


async def visible(deployment: Deployment, pathway_ids: list[str]) -> None:
    """Wait until the visibility store lists the pathways (it lags writes a little)."""
    deadline = time.monotonic() + VISIBILITY_TIMEOUT
    while not set(pathway_ids) <= set(await deployment.pathways.running_pathways()):
        if time.monotonic() > deadline:
            pytest.fail(f"{pathway_ids} not listed as running within {VISIBILITY_TIMEOUT} s")
        await asyncio.sleep(0.2)


async def ladder_climbed(deployment: Deployment, pathway_id: str) -> list[EventRecord]:
    """The baseline ladder's steps once all three are recorded (bounded wait)."""
    deadline = time.monotonic() + LADDER_TIMEOUT
    while True:
        steps = [
            r
            for r in await stream(deployment, pathway_id)
            if r.type in LADDER and r.data["obligation_id"] == "baseline"
        ]
        if len(steps) == len(LADDER) or time.monotonic() > deadline:
            return steps
        await asyncio.sleep(0.25)


def lateness(record: EventRecord) -> timedelta:
    return record.recorded_at - datetime.fromisoformat(record.data["scheduled_at"])


def with_policy(deployment: Deployment, policy_file: Path) -> dict[str, str]:
    return {**deployment.environ, "PATHWAYS_POLICY_FILE": str(policy_file)}


async def test_a_policy_applied_to_running_pathways_moves_their_timers(
    deployment: Deployment,
) -> None:
    policy_file = deployment.workdir / "seconds.toml"
    policy_file.write_text(SECONDS_POLICY)
    pathway_ids = [new_id(), new_id()]
    await asyncio.gather(*(deployment.pathways.open(opening(p)) for p in pathway_ids))
    await visible(deployment, pathway_ids)

    applied = await deployment.cli("policy", "apply", str(policy_file), "--actor", "root")
    assert applied.code == 0, applied
    assert "applied 2 · already in force 0 · refused 0 · failed 0" in applied.stdout, applied

    climbed = await asyncio.gather(*(ladder_climbed(deployment, p) for p in pathway_ids))
    samples: list[float] = []
    for pathway_id, steps in zip(pathway_ids, climbed, strict=True):
        records = await stream(deployment, pathway_id)
        assert [r.type for r in records[:2]] == ["PathwayOpened", "PolicyApplied"]
        policy_applied = records[1]
        assert (policy_applied.actor.id, policy_applied.actor.role) == ("root", Role.ADMIN)
        assert policy_applied.data["policy"]["policy_id"] == "seconds"
        assert [(r.type, r.data["step"]) for r in steps] == [
            ("DeadlineReminderSent", "reminder"),
            ("DeadlineEscalated", "supervisor"),
            ("DeadlineEscalated", "coordinator"),
        ], f"{pathway_id}: {[r.type for r in records]}"
        due = records[0].occurred_at + timedelta(seconds=BASELINE_SECONDS)
        for record in steps:
            assert record.actor.id == "system:deadlines"
            assert datetime.fromisoformat(record.data["due_at"]) == due
            # Scheduled after the policy came in force: the running timer was moved.
            scheduled = datetime.fromisoformat(record.data["scheduled_at"])
            assert scheduled > policy_applied.recorded_at, "caught up, not timed"
            assert timedelta() <= lateness(record) < timedelta(seconds=5)
            samples.append(lateness(record).total_seconds())
    print(
        f"\nladder lateness over {len(samples)} steps: min {min(samples):.3f} s, "
        f"median {statistics.median(samples):.3f} s, max {max(samples):.3f} s"
    )

    lengths = [len(await stream(deployment, p)) for p in pathway_ids]
    # In process (`in_process`): the first apply ran the entry point, a start-up saved.
    again = await deployment.cli_in_process("policy", "apply", str(policy_file), "--actor", "root")
    assert again.code == 0, again
    assert "applied 0 · already in force 2 · refused 0 · failed 0" in again.stdout, again
    assert [len(await stream(deployment, p)) for p in pathway_ids] == lengths


async def test_opening_under_a_policy_file_records_it(deployment: Deployment) -> None:
    policy_file = deployment.workdir / "seconds.toml"
    policy_file.write_text(SECONDS_POLICY)
    custom, default = new_id(), new_id()
    smuggled = {**OPEN, "pathway_id": new_id(), "policy": {"policy_id": "x", "revisions": []}}

    async def open_with(env: dict[str, str], document: dict[str, object]) -> Ran:
        return await run(
            PATHWAYS,
            "open",
            "--actor",
            "anna",
            env=env,
            cwd=deployment.workdir,
            input=json.dumps(document),
        )

    async def open_in_process(document: dict[str, object]) -> Ran:
        """The same, in this process (`in_process`), a start-up saved."""
        opening = json.dumps(document)
        return await deployment.cli_in_process("open", "--actor", "anna", input=opening)

    under_custom, under_default, refused, checked = await asyncio.gather(
        open_with(with_policy(deployment, policy_file), {**OPEN, "pathway_id": custom}),
        open_in_process({**OPEN, "pathway_id": default}),
        open_in_process(smuggled),
        deployment.cli("policy", "check", str(policy_file)),
    )
    assert under_custom.code == 0 and under_default.code == 0, (under_custom, under_default)
    assert [r.type for r in await stream(deployment, custom)] == [
        "PathwayOpened",
        "PolicyApplied",
    ]
    assert [r.type for r in await stream(deployment, default)] == ["PathwayOpened"]
    assert refused.code == 2, refused
    assert refused.stderr.startswith("error: invalid_command: ")
    assert refused.stderr.rstrip().endswith("(field: policy)"), refused
    assert checked.code == 0, checked
    assert "Policy seconds · 1 revision" in checked.stdout
    assert f"    baseline                      {BASELINE_SECONDS} seconds" in checked.stdout
    assert "    supervisor   T            escalation  to the supervisor" in checked.stdout


async def test_a_malformed_policy_file_stops_everything_and_records_nothing(
    deployment: Deployment,
) -> None:
    bad = deployment.workdir / "bad.toml"
    bad.write_text(BAD_POLICY)
    running = new_id()
    await deployment.pathways.open(opening(running))
    events, history = await stream(deployment, running), await deployment.history_length(running)
    never_opened = new_id()
    env = with_policy(deployment, bad)
    data_dir = deployment.workdir / "up-data"

    async def cli(*args: str, input: str | None = None, env: dict[str, str] = env) -> Ran:
        return await run(PATHWAYS, *args, env=env, cwd=deployment.workdir, input=input)

    # The servers as processes (refused, they would have started); the commands that answer
    # and exit in this process, to save a start-up each.
    servers = asyncio.gather(
        cli("worker"), cli("up", env={**env, "PATHWAYS_DATA_DIR": str(data_dir)})
    )
    opening_refused = json.dumps({**OPEN, "pathway_id": never_opened})
    results = [
        await in_process("open", "--actor", "anna", input=opening_refused, env=env),
        await in_process("policy", "apply", "--actor", "root", env=env),
        await in_process("policy", "apply", str(bad), "--actor", "root", env=deployment.environ),
        await in_process("policy", "check", str(bad), env=deployment.environ),
        *await servers,
    ]
    for ran in results:
        assert ran.code == 2, ran
        assert ran.stderr == (
            f"error: invalid_policy: {bad}, line {BAD_SPAN_LINE}: "
            f"revisions[0].deadlines.baseline: not a span: '{BASELINE_SECONDS} secs' "
            "(try '7 days', '48 hours', '-3 days', '6 months')\n"
        ), ran
        assert ran.stdout == "", ran  # no banner: nothing started
    assert not data_dir.exists(), "`up` refused before creating anything"
    assert await deployment.event_count(never_opened) == 0
    assert await deployment.history_length(never_opened) is None
    assert await stream(deployment, running) == events
    assert await deployment.history_length(running) == history
