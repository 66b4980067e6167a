"""`pathways` commands as a person runs them: real subprocesses, a real dev server and Postgres."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.calendar import project_day
from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.values import Actor, Role
from infra.embedded import free_port
from tests.integration.conftest import PATHWAYS, REPO, Deployment, Ran, run
from tests.scenarios import ASSESSMENT, CONDITION, OPEN, plan

pytestmark = pytest.mark.integration

WALKTHROUGH = REPO / "examples" / "walkthrough.sh"
ANNA = ("--actor", "anna", "--role", "caseworker")
SARA = ("--actor", "sara", "--role", "supervisor")

WALK_EVENTS = [
    "PathwayOpened",
    "PolicyApplied",  # the demo policy: time compressed (infra/policies/demo.toml)
    "BaselineRecorded",
    "SkillsAssessmentRecorded",
    "PlanProposed",
    "PlanApproved",
    *["MeasureStarted", "MeasureProgressRecorded", "MeasureCompleted"],
    *["MeasureStarted", "MeasureCompleted"],
    "ExitRecorded",
    "FollowUpRecorded",
    "PathwayClosed",
]


async def test_walkthrough_from_opening_to_closure(deployment: Deployment) -> None:
    walk = await run(
        str(WALKTHROUGH),
        env={**deployment.environ, "PATHWAYS": str(REPO / ".venv" / "bin" / "pathways")},
        cwd=deployment.workdir,
        timeout=360,  # a guard against a hang, not a speed check: 30-60 s quiet, 120+ at load 20
    )
    assert walk.code == 0, walk
    pathway_id = next(
        line.removeprefix("pathway: ")
        for line in walk.stdout.splitlines()
        if line.startswith("pathway: ")
    )
    # The script ends with `show` and `history`.
    assert f"Pathway {pathway_id} · closed · version {len(WALK_EVENTS)}" in walk.stdout

    # Four more looks at the closed pathway, in process (`in_process`: the script ran each
    # command as a subprocess, a start-up each): its history, its state when the plan had
    # just been proposed, its state as of a day still to come (refused), one command too many.
    proposed_at = await deployment.recorded_at(pathway_id, version=5)
    listed = await deployment.cli_in_process("history", pathway_id, "--json")
    earlier = await deployment.cli_in_process(
        "show", pathway_id, "--as-of", proposed_at.isoformat(), "--json"
    )
    to_come = await deployment.cli_in_process("show", pathway_id, "--as-of", "2100-01-01")
    closed = await deployment.cli_in_process(
        "command", pathway_id, *ANNA, input='{"type": "add_note", "text": "One more thing"}'
    )

    assert listed.code == 0, listed
    history = json.loads(listed.stdout)
    assert [e["type"] for e in history] == WALK_EVENTS
    assert [e["version"] for e in history] == list(range(1, len(WALK_EVENTS) + 1))
    assert [e["actor"]["id"] for e in history if e["actor"]["role"] == "supervisor"] == ["sara"]
    assert {e["actor"]["id"] for e in history} == {"anna", "sara"}
    assert len({e["command_id"] for e in history}) == len(WALK_EVENTS) - 1  # opened + policy
    assert not any(e["backdated"] for e in history)

    assert earlier.code == 0, earlier
    assert to_come.code == 2 and "as_of_in_future" in to_come.stderr, to_come
    assert to_come.stdout == ""
    state = json.loads(earlier.stdout)
    assert (state["stage"], state["version"]) == ("planning", 5)
    assert state["pending_plan"]["proposed_by"] == "anna"
    assert state["plan"] is None

    assert closed.code == 2, closed
    assert closed.stderr.startswith("error: pathway_closed: "), closed
    assert await deployment.event_count(pathway_id) == len(WALK_EVENTS)


async def given_a_proposed_plan(deployment: Deployment) -> str:
    """A pathway in planning, with a plan that anna proposed and nobody approved yet."""
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    anna = Actor(id="anna", role=Role.CASEWORKER)
    target = project_day(datetime.now(UTC)) + timedelta(days=365)
    opening = {**OPEN, "pathway_id": pathway_id}
    await deployment.pathways.open(envelope(opening, anna))
    for command in (
        {"type": "record_baseline", "condition": CONDITION},
        ASSESSMENT,
        plan(("course", "training_course"), target=target),
    ):
        await deployment.pathways.send(pathway_id, envelope(command, anna))
    return pathway_id


def envelope(command: dict[str, object], actor: Actor) -> CommandEnvelope:
    return CommandEnvelope(
        command_id=str(uuid.uuid4()), actor=actor, command=COMMAND_ADAPTER.validate_python(command)
    )


START_COURSE = {
    "type": "start_measure",
    "measure_id": "course",
    "details": {
        "kind": "training_course",
        "subject": "italian_l2",
        "title": "Italiano A2",
        "provider": "CPIA Lecce",
        "planned_hours": 80,
        "start_on": "2026-12-01",
    },
}

# (what is wrong, actor options, stdin, the error code and field expected on stderr)
BAD_INPUT = [
    ("malformed JSON", ANNA, '{"type": "add_note", "text": ', "invalid_command", None),
    ("unknown command type", ANNA, '{"type": "teleport"}', "invalid_command", "type"),
    ("wrong field type", ANNA, '{"type": "add_note", "text": 42}', "invalid_command", "text"),
    ("measure before approval", ANNA, json.dumps(START_COURSE), "plan_not_approved", None),
    (
        "approval by the proposer",
        ("--actor", "anna", "--role", "supervisor"),
        '{"type": "approve_plan"}',
        "self_approval_forbidden",
        None,
    ),
]


async def test_bad_input_is_refused_with_its_code_and_records_nothing(
    deployment: Deployment,
) -> None:
    pathway_id = await given_a_proposed_plan(deployment)
    events_before = await deployment.event_count(pathway_id)
    history_before = await deployment.history_length(pathway_id)

    # In process, to save a start-up each: the walkthrough keeps the entry point itself.
    unknown = f"p-{uuid.uuid4().hex[:12]}"
    results = [
        await deployment.cli_in_process("command", pathway_id, *actor, input=stdin)
        for _, actor, stdin, _, _ in BAD_INPUT
    ]
    not_found = await deployment.cli_in_process(
        "command", unknown, *ANNA, input='{"type": "add_note", "text": "x"}'
    )
    for (case, _, _, code, field), ran in zip(BAD_INPUT, results, strict=True):
        assert ran.code == 2, f"{case}: {ran}"
        first_line = ran.stderr.splitlines()[0]
        assert first_line.startswith(f"error: {code}: "), f"{case}: {ran}"
        if field is not None:
            assert first_line.endswith(f"(field: {field})"), f"{case}: {ran}"
        assert ran.stdout == "", f"{case}: {ran}"
    assert await deployment.event_count(pathway_id) == events_before
    # A refusal is never an update in the history. The first workflow task after a run
    # has recorded patch markers may be kept though it did nothing (the server keeps a
    # rejected update's task then): at most one, with no command in it.
    assert await deployment.history_after(pathway_id, history_before) in (
        [],
        [f"EVENT_TYPE_WORKFLOW_TASK_{step}" for step in ("SCHEDULED", "STARTED", "COMPLETED")],
    )

    assert not_found.code == 2, not_found
    assert not_found.stderr.startswith("error: pathway_not_found: "), not_found
    assert await deployment.event_count(unknown) == 0
    assert await deployment.history_length(unknown) is None  # no workflow was started


async def test_the_same_command_id_twice_is_applied_once(deployment: Deployment) -> None:
    """A command sent again under its command id, from a second process, answers as the
    first did and records nothing more: an approval, an opening without a pathway id, a
    closure after which the workflow is gone. Only the approval's retries are subprocesses
    (the entry point); the rest run in process (`in_process`), a start-up saved each."""
    pathway_id = await given_a_proposed_plan(deployment)
    before = await deployment.event_count(pathway_id)

    async def twice(*args: str, input: str) -> list[Ran]:
        return [await deployment.cli(*args, input=input) for _ in range(2)]

    async def twice_in_process(*args: str, input: str) -> list[Ran]:
        return [await deployment.cli_in_process(*args, input=input) for _ in range(2)]

    # An approval sent twice, and an opening without a pathway id sent twice (its id is
    # derived from the command id, so the retry finds the pathway the first one opened).
    approvals, openings = await asyncio.gather(
        twice(
            "command",
            pathway_id,
            *SARA,
            "--command-id",
            "approve-1",
            "--json",
            input='{"type": "approve_plan"}',
        ),
        twice_in_process(
            "open",
            *ANNA,
            "--command-id",
            "open-1",
            input=(WALKTHROUGH.parent / "walkthrough" / "01-open-pathway.json").read_text(),
        ),
    )

    assert [a.code for a in approvals] == [0, 0], approvals
    assert approvals[0].stdout == approvals[1].stdout
    answer = json.loads(approvals[0].stdout)
    assert len(answer.pop("fingerprint")) == 64, "the answer names the command it answers"
    assert answer == {
        "pathway_id": pathway_id,
        "command_id": "approve-1",
        "version": before + 1,
        "stage": "active",
        "events": ["PlanApproved"],
        "pending_payments": [],
    }
    assert await deployment.event_count(pathway_id) == before + 1

    assert [o.code for o in openings] == [0, 0], openings
    opened = openings[0].stdout.strip()
    assert openings[1].stdout.strip() == opened
    assert await deployment.event_count(opened) == 1
    # Her again under another command id: another pathway, opened all the same, and told
    # where to ask (her own organisation here), never the first pathway.
    again = await deployment.cli_in_process(
        "open",
        *ANNA,
        "--command-id",
        "open-2",
        input=(WALKTHROUGH.parent / "walkthrough" / "01-open-pathway.json").read_text(),
    )
    assert again.code == 0, again
    assert "possible duplicate: the same person may have a pathway at" in again.stderr, again
    assert opened not in again.stderr
    assert await deployment.event_count(again.stdout.strip()) == 1

    # After closure the workflow is gone, but a retry still gets its first answer (read
    # back from the event store), and a new command is refused as pathway_closed.
    exit_then_close = [
        '{"type": "record_exit", "reason": "transferred", "outcomes": '
        + json.dumps(
            json.loads((WALKTHROUGH.parent / "walkthrough" / "11-record-exit.json").read_text())[
                "outcomes"
            ]
        )
        + "}",
        '{"type": "close_pathway", "reason": "Transferred to another project"}',
    ]
    exited = await deployment.cli_in_process("command", opened, *ANNA, input=exit_then_close[0])
    assert exited.code == 0, exited
    closes = await twice_in_process(
        "command", opened, *ANNA, "--command-id", "close-1", "--json", input=exit_then_close[1]
    )
    assert [c.code for c in closes] == [0, 0], closes
    assert closes[0].stdout == closes[1].stdout
    late = await deployment.cli_in_process(
        "command", opened, *ANNA, input='{"type": "add_note", "text": "x"}'
    )
    assert late.code == 2 and "pathway_closed" in late.stderr, late


async def test_infrastructure_out_of_reach_exits_1(deployment: Deployment) -> None:
    env = deployment.environ
    nowhere = {**env, "PATHWAYS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}"}
    no_database = {
        **env,
        "PATHWAYS_DATABASE_URL": f"postgresql://postgres@/pathways?host={deployment.workdir}",
    }
    no_worker = {**env, "PATHWAYS_TEMPORAL_TASK_QUEUE": "nobody-polls-this"}
    opening = (WALKTHROUGH.parent / "walkthrough" / "01-open-pathway.json").read_text()
    cases = {
        "cannot connect to Temporal": (nowhere, ("open", *ANNA), "cannot connect to Temporal at"),
        "cannot connect to the database": (
            no_database,
            ("show", "p-1"),
            "cannot connect to the database",
        ),
        "no worker answers": (no_worker, ("open", *ANNA, "--timeout", "1"), "no reply within 1 s"),
    }
    results = await asyncio.gather(
        *(
            run(PATHWAYS, *args, env=env, cwd=deployment.workdir, input=opening)
            for env, args, _ in cases.values()
        )
    )
    for (case, (_, _, message)), ran in zip(cases.items(), results, strict=True):
        assert ran.code == 1, f"{case}: {ran}"
        assert ran.stderr.startswith(f"error: {message}"), f"{case}: {ran}"
        assert len(ran.stderr.splitlines()) == 1, f"{case}: {ran}"  # no traceback, no noise


async def test_demo_seeds_pathways_through_the_cli(deployment: Deployment) -> None:
    pytest.importorskip("workers.demo")
    # In process: the done-when tests run `pathways demo` as a subprocess on `pathways up`.
    ran = await deployment.cli_in_process("demo", "--count", "2", "--json")
    assert ran.code == 0, ran
    summary = json.loads(ran.stdout)
    assert len(summary["pathway_ids"]) == 2
    for pathway_id in summary["pathway_ids"]:
        assert await deployment.event_count(pathway_id) >= 1


async def test_a_command_recording_a_fact_still_to_come_exits_2_and_records_nothing(
    deployment: Deployment,
) -> None:
    pathway_id = await given_a_proposed_plan(deployment)
    before = await deployment.event_count(pathway_id)
    note = {"type": "renew_permit", "permit_expires_on": "2199-01-01"}
    opening = json.loads((WALKTHROUGH.parent / "walkthrough" / "01-open-pathway.json").read_text())
    refused = await deployment.cli_in_process(
        "open", *ANNA, "--json", input=json.dumps({**opening, "resident_since": "2199-01-01"})
    )
    assert refused.code == 2, refused
    assert refused.stderr.startswith("error: fact_in_future: resident_since 2199-01-01"), refused
    assert refused.stdout == ""
    # A permit's expiry is a schedule, not a fact: it may lie in the next century.
    renewed = await deployment.cli_in_process("command", pathway_id, *ANNA, input=json.dumps(note))
    assert renewed.code == 0, renewed
    assert await deployment.event_count(pathway_id) == before + 1
