"""Autonomous mobility: a driving licence, the conversion of a foreign one, or a bicycle.

A driving licence goes enrolment → theory exam → practical exam → licence; a foreign
licence can be converted only within a span of residence (the policy's `licence_conversion`,
a year by law); a bicycle is delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Literal

from domain.calendar import PROJECT_TIMEZONE, add_months, project_day
from domain.errors import AlreadyRecorded, LicenceConversionExpired, NotApplicable, StepOutOfOrder
from domain.fact_dates import FactDate
from domain.measures.base import Details, Measure, Outcome, Progress, RuleContext
from domain.measures.spec import (
    Fact,
    IndicatorFacts,
    MeasureDeadlines,
    MeasureLabels,
    MeasureSpec,
    Owing,
    PaymentRule,
)
from domain.payments.ledger import PaymentKind
from domain.policy import Span
from domain.values import ShortText, WorkPackage


class MobilityRoute(StrEnum):
    DRIVING_LICENCE = "driving_licence"
    LICENCE_CONVERSION = "licence_conversion"
    BICYCLE = "bicycle"


class MobilityStepName(StrEnum):
    ENROLLED = "enrolled"
    THEORY_PASSED = "theory_passed"
    PRACTICAL_PASSED = "practical_passed"
    CONVERSION_REQUESTED = "conversion_requested"


class MobilityResult(StrEnum):
    LICENCE_OBTAINED = "licence_obtained"
    LICENCE_CONVERTED = "licence_converted"
    BICYCLE_DELIVERED = "bicycle_delivered"
    NOT_OBTAINED = "not_obtained"


STEPS: dict[MobilityRoute, tuple[MobilityStepName, ...]] = {
    MobilityRoute.DRIVING_LICENCE: (
        MobilityStepName.ENROLLED,
        MobilityStepName.THEORY_PASSED,
        MobilityStepName.PRACTICAL_PASSED,
    ),
    MobilityRoute.LICENCE_CONVERSION: (MobilityStepName.CONVERSION_REQUESTED,),
    MobilityRoute.BICYCLE: (),
}
RESULTS: dict[MobilityRoute, MobilityResult] = {
    MobilityRoute.DRIVING_LICENCE: MobilityResult.LICENCE_OBTAINED,
    MobilityRoute.LICENCE_CONVERSION: MobilityResult.LICENCE_CONVERTED,
    MobilityRoute.BICYCLE: MobilityResult.BICYCLE_DELIVERED,
}


class MobilityDetails(Details):
    kind: Literal["mobility"] = "mobility"
    route: MobilityRoute
    provider: ShortText | None = None
    start_on: date


class MobilityStep(Progress):
    kind: Literal["mobility_step"] = "mobility_step"
    step: MobilityStepName
    on: FactDate


class MobilityOutcome(Outcome):
    kind: Literal["mobility"] = "mobility"
    result: MobilityResult
    on: FactDate


def conversion_deadline(
    resident_since: date, within: Span, day_starts: Callable[[date], datetime]
) -> datetime:
    """The instant a foreign licence can no longer be converted: `within` after residence.

    Whole months run to the end of the same day of the month (the law's "within a year of
    residence", that day included); an exact duration, as a short policy has, runs from the
    start of the day residence began. `day_starts` says when a day starts.
    """
    if within.months:
        return day_starts(add_months(resident_since, within.months) + timedelta(days=1))
    return day_starts(resident_since) + within.duration


def _italian_day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=PROJECT_TIMEZONE)


def _check_start(ctx: RuleContext, details: Any) -> None:
    if details.route == MobilityRoute.LICENCE_CONVERSION:
        within = ctx.deadlines.licence_conversion
        deadline = conversion_deadline(ctx.resident_since, within, _italian_day_start)
        if _italian_day_start(details.start_on) >= deadline:
            last_day = project_day(deadline - timedelta(microseconds=1))
            raise LicenceConversionExpired(
                f"a foreign licence can be converted only until {last_day}", field="route"
            )


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
    route = measure.details_as(MobilityDetails).route
    steps = STEPS[route]
    done = [s.step for s in measure.progress_of(MobilityStep)]
    if progress.step not in steps:
        raise NotApplicable(
            f"{progress.step} is not a step of {measure.details_as(MobilityDetails).route}",
            field="step",
        )
    if progress.step in done:
        raise AlreadyRecorded(f"{progress.step} is already recorded", field="step")
    expected = steps[len(done)]
    if progress.step != expected:
        raise StepOutOfOrder(f"the next step is {expected}", field="step")


def _check_complete(_: RuleContext, measure: Measure, outcome: Any) -> None:
    route = measure.details_as(MobilityDetails).route
    if outcome.result == MobilityResult.NOT_OBTAINED:
        return
    if outcome.result != RESULTS[route]:
        raise NotApplicable(f"{outcome.result} is not a result of {route}", field="result")
    if len(measure.progress_of(MobilityStep)) < len(STEPS[route]):
        raise StepOutOfOrder("every step must be recorded before the result")


def _owe_conversion(owing: Owing, measure: Measure) -> None:
    """A foreign licence is owed its conversion within the law's span of residence; the
    date is fixed by law, so a suspension does not move it."""
    details = measure.details
    if not (
        isinstance(details, MobilityDetails) and details.route == MobilityRoute.LICENCE_CONVERSION
    ):
        return
    approved = owing.plan_approved_at
    within = owing.deadlines_at(approved).licence_conversion
    owing.add(
        f"measure:{measure.measure_id}:licence_conversion",
        "licence_conversion",
        approved,
        conversion_deadline(owing.resident_since, within, owing.day_start),
        measure.measure_id,
        shifts=False,
    )


MOBILITY = "mobility"
LICENCE_OR_BICYCLE = frozenset(
    {
        MobilityResult.LICENCE_OBTAINED,
        MobilityResult.LICENCE_CONVERTED,
        MobilityResult.BICYCLE_DELIVERED,
    }
)


def _facts(measure: Measure) -> list[Fact]:
    outcome = measure.outcome
    reached = isinstance(outcome, MobilityOutcome) and outcome.result in LICENCE_OR_BICYCLE
    return [Fact(MOBILITY)] if reached else []


SPEC = MeasureSpec(
    work_package=WorkPackage.WORK,
    details=MobilityDetails,
    progress=(MobilityStep,),
    outcome=MobilityOutcome,
    check_start=_check_start,
    check_progress=_check_progress,
    check_complete=_check_complete,
    deadlines=MeasureDeadlines(
        kinds={"licence_conversion": "Convert the driving licence"}, owe=_owe_conversion
    ),
    payments=(PaymentRule(kind=PaymentKind.MOBILITY, label="Mobility"),),
    facts=IndicatorFacts(names=frozenset({MOBILITY}), of=_facts),
    labels=MeasureLabels(
        name="Mobility",
        steps={"mobility_step": "Step towards the licence"},
        recorded={"mobility_step": "Mobility step"},
        options={
            "MobilityRoute": {
                "driving_licence": "Driving licence",
                "licence_conversion": "Conversion of a foreign licence",
                "bicycle": "Bicycle",
            },
            "MobilityStepName": {
                "enrolled": "Enrolled at a driving school",
                "theory_passed": "Theory exam passed",
                "practical_passed": "Practical exam passed",
                "conversion_requested": "Conversion requested",
            },
            "MobilityResult": {
                "licence_obtained": "Licence obtained",
                "licence_converted": "Licence converted",
                "bicycle_delivered": "Bicycle delivered",
                "not_obtained": "Not obtained",
            },
        },
    ),
)
