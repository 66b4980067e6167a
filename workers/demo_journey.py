"""The demo's journey builder: one pathway's commands as they are written, with its facts.

Dates are days relative to `today` (the details' dates); the business time of every
command is left to the workflow's clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from domain.calendar import add_months, month_key, months_between
from domain.measures import MeasureKind
from domain.values import Actor, CefrLevel
from workers import demo_data as data

Command = dict[str, Any]

CEFR = list(CefrLevel)
SCHOOL_AGE = range(6, 18)
CHILDCARE_AGE = range(0, 11)


class Depth(StrEnum):
    """How far a measure has gone by the end of the demo."""

    PLANNED = "planned"
    STARTED = "started"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class MeasureChoice:
    kind: MeasureKind
    depth: Depth
    variant: str | None = None
    """Mobility route, housing solution, support kind or course subject; random if None."""


@dataclass
class Journey:
    """One pathway being written: who acts, what the beneficiary is like, the commands so far."""

    rng: random.Random
    today: date
    caseworker: Actor
    supervisor: Actor
    town: str
    minors: list[tuple[str, int]]
    """(minor id, birth year) of the household."""
    pregnancy: bool
    resident_since: date
    condition: dict[str, Any]
    """The condition now: the baseline, improved by the measures completed."""
    languages: tuple[str, ...]
    """Mother tongue first, then a second language."""
    titles: tuple[str, ...] = ()
    steps: list[tuple[Command, Actor]] = field(default_factory=list)
    rent: int | None = None
    """Monthly rent (cents) of a registered contract, which caps a rent advance."""

    def emit(self, command_type: str, actor: Actor | None = None, **fields: Any) -> None:
        """Add a command of `command_type`, sent by `actor` (by default the caseworker)."""
        self.steps.append(({"type": command_type, **fields}, actor or self.caseworker))

    def ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def between(self, first: date, last: date) -> date:
        """A random day from `first` to `last`, or to today if that comes first."""
        last = min(last, self.today)
        return first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))

    def past_months(self, start: date, end: date | None = None) -> list[str]:
        """The months from `start`'s that are over (and not after `end`'s month)."""
        last = month_key(add_months(self.today.replace(day=1), -1))
        if end is not None:
            last = min(last, month_key(end))
        first = month_key(start)
        return months_between(first, last) if first <= last else []

    def staff_name(self) -> str:
        return f"{self.rng.choice(data.STAFF_GIVEN)} {self.rng.choice(data.STAFF_FAMILY)}"

    def minors_aged(self, ages: range) -> list[str]:
        return [mid for mid, year in self.minors if self.today.year - year in ages]

    def improve(self, **changes: Any) -> None:
        self.condition.update(changes)

    def start(self, mid: str, kind: str, **details: Any) -> None:
        self.emit("start_measure", measure_id=mid, details={"kind": kind, **details})

    def step(self, mid: str, kind: str, actor: Actor | None = None, **progress: Any) -> None:
        progress = {"kind": kind, **progress}
        self.emit("record_measure_progress", actor, measure_id=mid, progress=progress)

    def finish(self, mid: str, kind: str, **outcome: Any) -> None:
        self.emit("complete_measure", measure_id=mid, outcome={"kind": kind, **outcome})


def level_above(level: str, steps: int = 1) -> str:
    index = CEFR.index(CefrLevel(level))
    return CEFR[min(index + steps, CEFR.index(CefrLevel.B2))].value


def assessment(j: Journey, education: str, italian: str) -> Command:
    """A skills assessment (bilancio di competenze) consistent with the beneficiary."""
    levels = ("c2", j.rng.choice(("a2", "b1", "b2")))
    languages = [
        {"language": name, "level": level} for name, level in zip(j.languages, levels, strict=False)
    ]
    return {
        "education": education,
        "italian_level": italian,
        "digital_skills": j.condition["digital_skills"],
        "languages": languages,
        "work_experience": j.rng.choice(data.WORK_EXPERIENCE),
        "titles_held": list(j.titles),
        "documents_held": j.rng.sample(data.DOCUMENTS, j.rng.randint(2, 4)),
    }
