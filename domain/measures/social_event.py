"""Participation in social-cohesion events."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from domain.errors import StepOutOfOrder
from domain.fact_dates import FactDate
from domain.measures.base import MeasureKind, MeasureSpec, RuleContext
from domain.values import Frozen, ShortText, WorkPackage

if TYPE_CHECKING:
    from domain.measures.state import MeasureState


class SocialEventDetails(Frozen):
    kind: Literal["social_event"] = "social_event"
    programme: ShortText
    start_on: date


class EventParticipation(Frozen):
    kind: Literal["event_participation"] = "event_participation"
    event: ShortText
    on: FactDate


class SocialEventOutcome(Frozen):
    kind: Literal["social_event"] = "social_event"
    completed_on: FactDate


def _check_complete(_: RuleContext, measure: MeasureState, outcome: Any) -> None:
    if not measure.progress_of(EventParticipation):
        raise StepOutOfOrder("record at least one participation before completing")


SPEC = MeasureSpec(
    kind=MeasureKind.SOCIAL_EVENT,
    work_package=WorkPackage.SOCIO_CULTURAL,
    details=SocialEventDetails,
    progress=(EventParticipation,),
    outcome=SocialEventOutcome,
    check_complete=_check_complete,
)
