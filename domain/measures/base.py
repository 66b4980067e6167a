"""What every measure shares: its models' bases, status, how its rules read a measure.

A measure module imports this base and `spec` and nothing of the catalogue, so the measures
form no circle: it reads a measure through `Measure` (which `MeasureState` satisfies) and
declares its rules in its `SPEC` (`domain.measures.spec`). `domain.measures.catalogue` finds
the modules and derives the kinds; `domain.measures` assembles the catalogue, the unions and
the state from their specs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Protocol, TypeVar

from pydantic import Field

from domain.errors import AlreadyRecorded
from domain.limits import Limits
from domain.payments.events import PaymentRequested
from domain.payments.state import PaymentState
from domain.policy import Deadlines, PaymentTerms
from domain.values import Actor, Frozen, Household

Hours = Annotated[int, Field(ge=1, le=400)]
P = TypeVar("P", bound=Frozen)
D = TypeVar("D", bound=Frozen)


class Details(Frozen):
    """What a measure is given when it starts; its `kind` literal names the measure kind."""

    kind: str


class Progress(Frozen):
    """One kind of step of a measure; its `kind` literal names the step, unique overall."""

    kind: str


class Outcome(Frozen):
    """What a measure is given when it completes; its `kind` literal names the measure kind."""

    kind: str


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Measure(Protocol):
    """What a measure's rules read of one measure (`domain.measures.MeasureState` is one)."""

    @property
    def measure_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> MeasureStatus: ...
    @property
    def details(self) -> Frozen | None: ...
    @property
    def started_on(self) -> date | None: ...
    @property
    def outcome(self) -> Frozen | None: ...
    @property
    def progress(self) -> Sequence[object]: ...

    def progress_of(self, kind: type[P]) -> list[P]: ...
    def details_as(self, kind: type[D]) -> D: ...


@dataclass(frozen=True)
class RuleContext:
    """What a measure's rules may look at: the pathway around it, the actor, the day."""

    pathway_id: str
    household: Household
    resident_since: date
    measures: Mapping[str, Measure]
    actor: Actor
    on: date
    limits: Limits
    payments: Mapping[str, PaymentState]
    deadlines: Deadlines
    """The deadlines of the policy revision that governs the plan's measures."""
    terms: PaymentTerms
    """The payment terms of the policy revision in force at the command's instant."""


StartCheck = Callable[[RuleContext, Any], None]
ProgressCheck = Callable[[RuleContext, Measure, Any], None]
CompleteCheck = Callable[[RuleContext, Measure, Any], None]
ProgressEffect = Callable[[RuleContext, Measure, Any], Sequence[PaymentRequested]]
"""What recording a step also produces, in the same append (a month's allowance)."""


def check_new_month(recorded_months: Iterable[str], month: str, what: str) -> None:
    """Monthly records (attendance, hours) come once per month."""
    if month in set(recorded_months):
        raise AlreadyRecorded(f"{what} for {month} already recorded", field="month")


def no_check(*_: object) -> None:
    """For lifecycles with nothing to check at a step."""


def no_effect(*_: object) -> Sequence[PaymentRequested]:
    """For steps that produce nothing but themselves."""
    return ()


def took_part(measure: Measure) -> bool:
    """Started, and not cancelled before any activity was recorded.

    A start cancelled with nothing recorded is taken as a mistake or a no-show: the
    beneficiary never was in the measure.
    """
    if measure.started_on is None:
        return False
    return measure.status != MeasureStatus.CANCELLED or bool(measure.progress)
