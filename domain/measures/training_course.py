"""Non-vocational training: Italian L2 at a CPIA, basic digital skills, other courses.

Lifecycle: enrolled → attended hours (never more than planned) → completed, with or without
a certificate and, for Italian, the CEFR level reached.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field

from domain.errors import HoursExceeded, NotApplicable
from domain.fact_dates import FactDate
from domain.measures.base import (
    Details,
    Hours,
    Measure,
    MeasureStatus,
    Outcome,
    Progress,
    RuleContext,
    took_part,
)
from domain.measures.spec import (
    NO_DEADLINES,
    Fact,
    IndicatorFacts,
    MeasureLabels,
    MeasureSpec,
    PaymentRule,
)
from domain.payments.ledger import PaymentKind
from domain.values import CefrLevel, ShortText, WorkPackage


class CourseSubject(StrEnum):
    ITALIAN_L2 = "italian_l2"
    DIGITAL_SKILLS = "digital_skills"
    OTHER = "other"


class TrainingCourseDetails(Details):
    kind: Literal["training_course"] = "training_course"
    subject: CourseSubject
    title: ShortText
    provider: ShortText
    planned_hours: Annotated[int, Field(ge=1, le=2000)]
    start_on: date


class CourseAttendance(Progress):
    kind: Literal["course_attendance"] = "course_attendance"
    period_end: FactDate
    hours: Hours


class CourseLevelReached(Progress):
    """The level or certificate a course's teacher attests, before the course is completed."""

    kind: Literal["course_level_reached"] = "course_level_reached"
    on: FactDate
    cefr_level: CefrLevel | None = None
    certificate_name: ShortText | None = None
    """The certificate obtained (its name), if any."""


class TrainingCourseOutcome(Outcome):
    kind: Literal["training_course"] = "training_course"
    certificate: bool
    completed_on: FactDate
    cefr_level_reached: CefrLevel | None = None


def attended_hours(measure: Measure) -> int:
    return sum(a.hours for a in measure.progress_of(CourseAttendance))


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
    if isinstance(progress, CourseLevelReached):
        _check_level(measure, progress)
        return
    planned = measure.details_as(TrainingCourseDetails).planned_hours
    if attended_hours(measure) + progress.hours > planned:
        raise HoursExceeded(f"attended hours would exceed the {planned} planned", field="hours")


def _check_level(measure: Measure, reached: CourseLevelReached) -> None:
    if reached.cefr_level is None and reached.certificate_name is None:
        raise NotApplicable("name the level or the certificate reached", field="cefr_level")
    if (
        reached.cefr_level
        and measure.details_as(TrainingCourseDetails).subject != CourseSubject.ITALIAN_L2
    ):
        raise NotApplicable("a CEFR level applies to Italian courses only", field="cefr_level")


def _check_complete(_: RuleContext, measure: Measure, outcome: Any) -> None:
    if (
        outcome.cefr_level_reached
        and measure.details_as(TrainingCourseDetails).subject != CourseSubject.ITALIAN_L2
    ):
        raise NotApplicable(
            "a CEFR level applies to Italian courses only", field="cefr_level_reached"
        )


TRAINING = "training"
DIGITAL_SKILLS = "digital_skills"


def _facts(measure: Measure) -> list[Fact]:
    found = [Fact(TRAINING)] if took_part(measure) else []
    if (
        measure.status == MeasureStatus.COMPLETED
        and isinstance(measure.details, TrainingCourseDetails)
        and measure.details.subject == CourseSubject.DIGITAL_SKILLS
    ):
        found.append(Fact(DIGITAL_SKILLS))
    return found


SPEC = MeasureSpec(
    work_package=WorkPackage.WORK,
    details=TrainingCourseDetails,
    progress=(CourseAttendance, CourseLevelReached),
    partner_records=frozenset({"course_attendance", "course_level_reached"}),
    outcome=TrainingCourseOutcome,
    check_progress=_check_progress,
    check_complete=_check_complete,
    deadlines=NO_DEADLINES,
    payments=(PaymentRule(kind=PaymentKind.COURSE_FEE, label="Course fee"),),
    facts=IndicatorFacts(names=frozenset({TRAINING, DIGITAL_SKILLS}), of=_facts),
    labels=MeasureLabels(
        name="Training course",
        steps={
            "course_attendance": "Course attendance",
            "course_level_reached": "Level or certificate reached",
        },
        recorded={
            "course_attendance": "Course attendance",
            "course_level_reached": "Course level or certificate reached",
        },
        fields={
            "TrainingCourseDetails.title": "Course title",
            "subject": "Subject",
            "planned_hours": "Planned hours",
            "period_end": "Period ending on",
            "certificate": "Certificate obtained",
            "cefr_level_reached": "Level of Italian reached",
            "CourseLevelReached.cefr_level": "Level of Italian reached",
            "certificate_name": "Certificate obtained (name)",
        },
        options={
            "CourseSubject": {
                "italian_l2": "Italian as a second language",
                "digital_skills": "Digital skills",
                "other": "Other",
            }
        },
    ),
)
