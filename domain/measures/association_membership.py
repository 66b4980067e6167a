"""Membership of a club, sports or recreational association."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from domain.errors import AlreadyRecorded, StepOutOfOrder
from domain.fact_dates import FactDate
from domain.measures.base import Details, Measure, Outcome, Progress, RuleContext
from domain.measures.spec import NO_DEADLINES, Fact, IndicatorFacts, MeasureLabels, MeasureSpec
from domain.values import ShortText, WorkPackage


class AssociationCategory(StrEnum):
    SPORTS = "sports"
    RECREATIONAL = "recreational"
    CULTURAL = "cultural"
    VOLUNTEERING = "volunteering"


class AssociationDetails(Details):
    kind: Literal["association_membership"] = "association_membership"
    association: ShortText
    category: AssociationCategory
    start_on: date


class MembershipJoined(Progress):
    kind: Literal["membership_joined"] = "membership_joined"
    on: FactDate


class AssociationOutcome(Outcome):
    kind: Literal["association_membership"] = "association_membership"
    completed_on: FactDate
    still_member: bool


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
    if measure.progress_of(MembershipJoined):
        raise AlreadyRecorded("the membership is already recorded")


def _check_complete(_: RuleContext, measure: Measure, outcome: Any) -> None:
    if outcome.still_member and not measure.progress_of(MembershipJoined):
        raise StepOutOfOrder("record the membership before completing as a member")


ASSOCIATION_MEMBER = "association_member"


def _facts(measure: Measure) -> list[Fact]:
    return [Fact(ASSOCIATION_MEMBER)] if measure.progress_of(MembershipJoined) else []


SPEC = MeasureSpec(
    work_package=WorkPackage.SOCIO_CULTURAL,
    details=AssociationDetails,
    progress=(MembershipJoined,),
    partner_records=frozenset({"membership_joined"}),
    outcome=AssociationOutcome,
    check_progress=_check_progress,
    check_complete=_check_complete,
    deadlines=NO_DEADLINES,
    payments=(),
    facts=IndicatorFacts(names=frozenset({ASSOCIATION_MEMBER}), of=_facts),
    labels=MeasureLabels(
        name="Association membership",
        steps={"membership_joined": "Joined the association"},
        recorded={"membership_joined": "Joined the association"},
        fields={
            "association": "Association",
            "category": "Category",
            "still_member": "Still a member",
        },
        options={
            "AssociationCategory": {
                "sports": "Sports",
                "recreational": "Recreational",
                "cultural": "Cultural",
                "volunteering": "Volunteering",
            }
        },
    ),
)
