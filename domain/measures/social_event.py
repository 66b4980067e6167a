"""Participation in social-cohesion events."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from domain.errors import StepOutOfOrder
from domain.fact_dates import FactDate
from domain.measures.base import Details, Measure, Outcome, Progress, RuleContext
from domain.measures.spec import NO_DEADLINES, Fact, IndicatorFacts, MeasureLabels, MeasureSpec
from domain.values import ShortText, WorkPackage


class SocialEventDetails(Details):
    kind: Literal["social_event"] = "social_event"
    programme: ShortText
    start_on: date


class EventParticipation(Progress):
    kind: Literal["event_participation"] = "event_participation"
    event: ShortText
    on: FactDate


class SocialEventOutcome(Outcome):
    kind: Literal["social_event"] = "social_event"
    completed_on: FactDate


def _check_complete(_: RuleContext, measure: Measure, outcome: Any) -> None:
    if not measure.progress_of(EventParticipation):
        raise StepOutOfOrder("record at least one participation before completing")


SOCIAL_COHESION = "social_cohesion"


def _facts(measure: Measure) -> list[Fact]:
    return [Fact(SOCIAL_COHESION)] if measure.progress_of(EventParticipation) else []


SPEC = MeasureSpec(
    work_package=WorkPackage.SOCIO_CULTURAL,
    details=SocialEventDetails,
    progress=(EventParticipation,),
    outcome=SocialEventOutcome,
    check_complete=_check_complete,
    deadlines=NO_DEADLINES,
    payments=(),
    facts=IndicatorFacts(names=frozenset({SOCIAL_COHESION}), of=_facts),
    labels=MeasureLabels(
        name="Social event",
        steps={"event_participation": "Took part in an event"},
        recorded={"event_participation": "Took part in the event"},
        fields={"programme": "Programme", "event": "Event"},
    ),
)
