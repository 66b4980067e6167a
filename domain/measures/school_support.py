"""School insertion and tutoring for a minor of the household."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from domain.errors import MinorNotInHousehold, NoMinorInHousehold
from domain.fact_dates import FactDate, FactMonth
from domain.measures.base import (
    Details,
    Hours,
    Measure,
    Outcome,
    Progress,
    RuleContext,
    check_new_month,
    took_part,
)
from domain.measures.spec import NO_DEADLINES, Fact, IndicatorFacts, MeasureLabels, MeasureSpec
from domain.values import Identifier, ShortText, WorkPackage


class SchoolSupportDetails(Details):
    kind: Literal["school_support"] = "school_support"
    minor_id: Identifier
    school: ShortText
    start_on: date
    grade: ShortText | None = None


class TutoringHours(Progress):
    kind: Literal["tutoring_hours"] = "tutoring_hours"
    month: FactMonth
    hours: Hours


class SchoolSupportOutcome(Outcome):
    kind: Literal["school_support"] = "school_support"
    completed_on: FactDate
    school_year_completed: bool


def _check_start(ctx: RuleContext, details: Any) -> None:
    if not ctx.household.minors:
        raise NoMinorInHousehold("school support needs a minor in the household")
    if details.minor_id not in {m.minor_id for m in ctx.household.minors}:
        raise MinorNotInHousehold(
            f"{details.minor_id} is not a minor of this household", field="minor_id"
        )


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
    check_new_month(
        (h.month for h in measure.progress_of(TutoringHours)), progress.month, "tutoring"
    )


MINORS_SCHOOL_SUPPORT = "minors_school_support"
"""Weighs the distinct minors supported over the pathway's measures."""


def _facts(measure: Measure) -> list[Fact]:
    if took_part(measure) and isinstance(measure.details, SchoolSupportDetails):
        return [Fact(MINORS_SCHOOL_SUPPORT, counted=measure.details.minor_id)]
    return []


SPEC = MeasureSpec(
    work_package=WorkPackage.SOCIO_CULTURAL,
    details=SchoolSupportDetails,
    progress=(TutoringHours,),
    partner_records=frozenset({"tutoring_hours"}),
    outcome=SchoolSupportOutcome,
    check_start=_check_start,
    check_progress=_check_progress,
    deadlines=NO_DEADLINES,
    payments=(),
    facts=IndicatorFacts(names=frozenset({MINORS_SCHOOL_SUPPORT}), of=_facts),
    labels=MeasureLabels(
        name="School support",
        steps={"tutoring_hours": "Tutoring hours of a month"},
        recorded={"tutoring_hours": "Tutoring hours"},
        fields={
            "school": "School",
            "grade": "Class",
            "school_year_completed": "School year completed",
        },
    ),
)
