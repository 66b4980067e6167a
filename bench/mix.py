"""The commands a benchmark sends: a pathway brought to its active stage, then a realistic mix.

A caseworker's day on a running pathway is mostly notes and course attendance, with now and
then a household change, a renewed permit or a handover to a colleague. The mix below keeps
every command acceptable however long it runs (attendance of one hour at a time against a
2,000-hour course; handovers alternate between two caseworkers), so no refusal is counted
as throughput.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.policy import Policy
from domain.values import Actor, Role
from tests.scenarios import ASSESSMENT, CONDITION, OPEN

CASEWORKER = Actor(id="anna", role=Role.CASEWORKER)
SUPERVISOR = Actor(id="sara", role=Role.SUPERVISOR)
COURSE = "italian-b1"

_START_COURSE: dict[str, Any] = {
    "type": "start_measure",
    "measure_id": COURSE,
    "details": {
        "kind": "training_course",
        "subject": "italian_l2",
        "title": "Italiano L2, livello B1",
        "provider": "CPIA Lecce",
        "planned_hours": 2000,
        "start_on": "2026-01-05",
    },
}

PREPARATION: tuple[tuple[dict[str, Any], Actor], ...] = (
    ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER),
    (ASSESSMENT, CASEWORKER),
    (
        {
            "type": "propose_plan",
            "measures": [
                {"measure_id": COURSE, "kind": "training_course", "target_date": "2027-12-31"}
            ],
        },
        CASEWORKER,
    ),
    ({"type": "approve_plan"}, SUPERVISOR),
    (_START_COURSE, CASEWORKER),
)
"""After opening: baseline, assessment, plan proposed and approved, the course started."""

MIX: tuple[tuple[str, int], ...] = (
    ("add_note", 40),
    ("record_measure_progress", 30),
    ("update_household", 10),
    ("renew_permit", 10),
    ("reassign_caseworker", 10),
)
"""Kinds of command on an active pathway, with their weight in percent."""


def opening(pathway_id: str, policy: Policy | None = None) -> CommandEnvelope:
    """The `open_pathway` command of a benchmark pathway (id `open-<pathway id>`)."""
    document: dict[str, Any] = {**OPEN, "pathway_id": pathway_id}
    if policy is not None:
        document["policy"] = policy.model_dump(mode="json")
    return envelope(f"open-{pathway_id}", document, CASEWORKER)


def preparation(pathway_id: str) -> list[CommandEnvelope]:
    """The commands that take an opened pathway to its active stage, with a course running."""
    return [
        envelope(f"prep-{pathway_id}-{i}", document, actor)
        for i, (document, actor) in enumerate(PREPARATION)
    ]


def mixed(pathway_id: str, seed: int) -> Iterator[CommandEnvelope]:
    """An endless, reproducible stream of commands of the mix for one active pathway."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    caseworker = CASEWORKER.id
    for n in itertools.count():
        kind = rng.choice(kinds)
        if kind == "reassign_caseworker":
            # A supervisor hands the pathway over; the new caseworker sends what follows.
            caseworker = "bruno" if caseworker == "anna" else "anna"
            document = {"type": kind, "caseworker_id": caseworker}
            yield envelope(f"mix-{pathway_id}-{n}", document, SUPERVISOR)
        else:
            actor = Actor(id=caseworker, role=Role.CASEWORKER)
            yield envelope(f"mix-{pathway_id}-{n}", _document(kind, n), actor)


def _document(kind: str, n: int) -> dict[str, Any]:
    match kind:
        case "add_note":
            return {"type": kind, "text": f"Colloquio di monitoraggio n. {n}: tutto regolare."}
        case "record_measure_progress":
            period_end = date(2026, 1, 5) + timedelta(days=n % 300)
            return {
                "type": kind,
                "measure_id": COURSE,
                "progress": {
                    "kind": "course_attendance",
                    "period_end": period_end.isoformat(),
                    "hours": 1,
                },
            }
        case "update_household":
            minors = [{"minor_id": "m1", "birth_year": 2019}][: n % 2]
            return {"type": kind, "household": {"adults": 1 + n % 2, "minors": minors}}
        case "renew_permit":
            # Each renewal runs later than the one before.
            expires = date(2028, 6, 30) + timedelta(days=n + 1)
            return {"type": kind, "permit_expires_on": expires.isoformat()}
    raise ValueError(f"unknown kind of command {kind!r}")


def envelope(command_id: str, document: dict[str, Any], actor: Actor) -> CommandEnvelope:
    return CommandEnvelope(
        command_id=command_id, actor=actor, command=COMMAND_ADAPTER.validate_python(document)
    )
