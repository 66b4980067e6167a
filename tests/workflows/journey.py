"""A realistic pathway as a list of commands, dated relative to the server's clock."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from domain.commands import COMMAND_ADAPTER, CommandEnvelope
from domain.values import Actor
from tests.scenarios import ASSESSMENT, CASEWORKER, COMPRESSED, CONDITION, OPEN, SUPERVISOR

_ids = itertools.count(1)


def envelope(
    command: dict[str, Any], actor: Actor = CASEWORKER, command_id: str | None = None
) -> CommandEnvelope:
    return CommandEnvelope(
        command_id=command_id or f"cmd-{next(_ids)}",
        actor=actor,
        command=COMMAND_ADAPTER.validate_python(command),
    )


def opening(pathway_id: str) -> CommandEnvelope:
    return envelope({**OPEN, "pathway_id": pathway_id})


def compressed_opening(pathway_id: str) -> CommandEnvelope:
    """An opening under the `COMPRESSED` policy, for `full_journey`: its follow-up comes right
    after its exit, which the default policy refuses for five months."""
    return envelope({**OPEN, "pathway_id": pathway_id, "policy": COMPRESSED.model_dump()})


def full_journey(today: date) -> list[tuple[dict[str, Any], Actor]]:
    """Every command after opening, from baseline to closure, with three measures.

    Time is compressed: the follow-up comes right after the exit, so the pathway is opened
    under `COMPRESSED` (`compressed_opening`).
    """
    d = lambda days: (today + timedelta(days=days)).isoformat()  # noqa: E731
    return [
        ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER),
        (ASSESSMENT, CASEWORKER),
        (
            {
                "type": "propose_plan",
                "measures": [
                    {"measure_id": "italian", "kind": "training_course", "target_date": d(120)},
                    {"measure_id": "bike", "kind": "mobility", "target_date": d(60)},
                    {"measure_id": "club", "kind": "association_membership", "target_date": d(90)},
                ],
            },
            CASEWORKER,
        ),
        ({"type": "approve_plan"}, SUPERVISOR),
        (
            {
                "type": "start_measure",
                "measure_id": "italian",
                "details": {
                    "kind": "training_course",
                    "subject": "italian_l2",
                    "title": "Italiano A2",
                    "provider": "CPIA Lecce",
                    "planned_hours": 100,
                    "start_on": d(0),
                },
            },
            CASEWORKER,
        ),
        (
            {
                "type": "record_measure_progress",
                "measure_id": "italian",
                "progress": {"kind": "course_attendance", "period_end": d(0), "hours": 40},
            },
            CASEWORKER,
        ),
        (
            {
                "type": "complete_measure",
                "measure_id": "italian",
                "outcome": {
                    "kind": "training_course",
                    "certificate": True,
                    "completed_on": d(0),
                    "cefr_level_reached": "a2",
                },
            },
            CASEWORKER,
        ),
        (
            {
                "type": "start_measure",
                "measure_id": "bike",
                "details": {"kind": "mobility", "route": "bicycle", "start_on": d(0)},
            },
            CASEWORKER,
        ),
        (
            {
                "type": "complete_measure",
                "measure_id": "bike",
                "outcome": {"kind": "mobility", "result": "bicycle_delivered", "on": d(0)},
            },
            CASEWORKER,
        ),
        (
            {"type": "cancel_measure", "measure_id": "club", "reason": "Moved to another town"},
            CASEWORKER,
        ),
        (
            {
                "type": "record_exit",
                "reason": "autonomy",
                "outcomes": {**CONDITION, "employment": "employed"},
            },
            CASEWORKER,
        ),
        (
            {"type": "record_follow_up", "outcomes": {**CONDITION, "employment": "employed"}},
            CASEWORKER,
        ),
        ({"type": "close_pathway"}, SUPERVISOR),
    ]
