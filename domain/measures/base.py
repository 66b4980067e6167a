"""What every measure shares: kinds, status, the state of one measure, the rule context."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from domain.errors import AlreadyRecorded
from domain.limits import Limits
from domain.policy import Deadlines
from domain.values import Actor, Frozen, Household, WorkPackage

if TYPE_CHECKING:
    from domain.measures.state import MeasureState
    from domain.payments.state import PaymentState

Hours = Annotated[int, Field(ge=1, le=400)]


class MeasureKind(StrEnum):
    SKILLS_ASSESSMENT = "skills_assessment"
    TITLE_RECOGNITION = "title_recognition"
    TRAINING_COURSE = "training_course"
    WORK_GRANT = "work_grant"
    CHILDCARE = "childcare"
    MOBILITY = "mobility"
    SELF_EMPLOYMENT_ORIENTATION = "self_employment_orientation"
    HOUSING_PLACEMENT = "housing_placement"
    ECONOMIC_SUPPORT = "economic_support"
    SOCIAL_EVENT = "social_event"
    ASSOCIATION_MEMBERSHIP = "association_membership"
    SCHOOL_SUPPORT = "school_support"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RuleContext:
    """What a measure's rules may look at: the pathway around it, the actor, the day."""

    household: Household
    resident_since: date
    measures: Mapping[str, MeasureState]
    actor: Actor
    on: date
    limits: Limits
    payments: Mapping[str, PaymentState]
    deadlines: Deadlines
    """The deadlines of the policy revision that governs the plan's measures."""


StartCheck = Callable[[RuleContext, Any], None]
ProgressCheck = Callable[[RuleContext, "MeasureState", Any], None]
CompleteCheck = Callable[[RuleContext, "MeasureState", Any], None]


def check_new_month(recorded_months: Iterable[str], month: str, what: str) -> None:
    """Monthly records (attendance, hours) come once per month."""
    if month in set(recorded_months):
        raise AlreadyRecorded(f"{what} for {month} already recorded", field="month")


def no_check(*_: object) -> None:
    """For lifecycles with nothing to check at a step."""


@dataclass(frozen=True)
class MeasureSpec:
    """One entry of the catalogue: a measure kind, its work package, models and rules."""

    kind: MeasureKind
    work_package: WorkPackage
    details: type[Frozen]
    progress: tuple[type[Frozen], ...]
    outcome: type[Frozen]
    check_start: StartCheck = no_check
    check_progress: ProgressCheck = no_check
    check_complete: CompleteCheck = no_check
    plannable: bool = True
