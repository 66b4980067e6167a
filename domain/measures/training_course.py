"""Non-vocational training: Italian L2 at a CPIA, basic digital skills, other courses.

Lifecycle: enrolled → attended hours (never more than planned) → completed, with or without
a certificate and, for Italian, the CEFR level reached.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from domain.errors import HoursExceeded, NotApplicable
from domain.fact_dates import FactDate
from domain.measures.base import Hours, MeasureKind, MeasureSpec, RuleContext
from domain.values import CefrLevel, Frozen, ShortText, WorkPackage

if TYPE_CHECKING:
    from domain.measures.state import MeasureState


class CourseSubject(StrEnum):
    ITALIAN_L2 = "italian_l2"
    DIGITAL_SKILLS = "digital_skills"
    OTHER = "other"


class TrainingCourseDetails(Frozen):
    kind: Literal["training_course"] = "training_course"
    subject: CourseSubject
    title: ShortText
    provider: ShortText
    planned_hours: Annotated[int, Field(ge=1, le=2000)]
    start_on: date


class CourseAttendance(Frozen):
    kind: Literal["course_attendance"] = "course_attendance"
    period_end: FactDate
    hours: Hours


class TrainingCourseOutcome(Frozen):
    kind: Literal["training_course"] = "training_course"
    certificate: bool
    completed_on: FactDate
    cefr_level_reached: CefrLevel | None = None


def attended_hours(measure: MeasureState) -> int:
    return sum(a.hours for a in measure.progress_of(CourseAttendance))


def _check_progress(_: RuleContext, measure: MeasureState, progress: Any) -> None:
    planned = measure.details_as(TrainingCourseDetails).planned_hours
    if attended_hours(measure) + progress.hours > planned:
        raise HoursExceeded(f"attended hours would exceed the {planned} planned", field="hours")


def _check_complete(_: RuleContext, measure: MeasureState, outcome: Any) -> None:
    if (
        outcome.cefr_level_reached
        and measure.details_as(TrainingCourseDetails).subject != CourseSubject.ITALIAN_L2
    ):
        raise NotApplicable(
            "a CEFR level applies to Italian courses only", field="cefr_level_reached"
        )


SPEC = MeasureSpec(
    kind=MeasureKind.TRAINING_COURSE,
    work_package=WorkPackage.WORK,
    details=TrainingCourseDetails,
    progress=(CourseAttendance,),
    outcome=TrainingCourseOutcome,
    check_progress=_check_progress,
    check_complete=_check_complete,
)
