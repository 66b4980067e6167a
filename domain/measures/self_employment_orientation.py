"""Orientation to self-employment: sessions, a business idea, referral to micro-credit."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from domain.errors import AlreadyRecorded, StepOutOfOrder
from domain.fact_dates import FactDate
from domain.measures.base import Details, Measure, Outcome, Progress, RuleContext, took_part
from domain.measures.spec import NO_DEADLINES, Fact, IndicatorFacts, MeasureLabels, MeasureSpec
from domain.values import LongText, ShortText, WorkPackage


class OrientationDetails(Details):
    kind: Literal["self_employment_orientation"] = "self_employment_orientation"
    provider: ShortText
    start_on: date


class OrientationSession(Progress):
    kind: Literal["orientation_session"] = "orientation_session"
    on: FactDate
    topic: ShortText


class BusinessIdea(Progress):
    kind: Literal["business_idea"] = "business_idea"
    summary: LongText


class MicrocreditReferral(Progress):
    kind: Literal["microcredit_referral"] = "microcredit_referral"
    institution: ShortText
    on: FactDate


class OrientationOutcome(Outcome):
    kind: Literal["self_employment_orientation"] = "self_employment_orientation"
    completed_on: FactDate
    business_started: bool


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
    if progress.kind == "microcredit_referral":
        if not measure.progress_of(BusinessIdea):
            raise StepOutOfOrder("a referral to micro-credit needs a business idea first")
        if measure.progress_of(MicrocreditReferral):
            raise AlreadyRecorded("the referral is already recorded")


SELF_EMPLOYMENT_ORIENTATION = "self_employment_orientation"
BUSINESS_STARTED = "business_started"
"""An orientation completed with a business started (`OrientationOutcome.business_started`)."""


def _facts(measure: Measure) -> list[Fact]:
    found = [Fact(SELF_EMPLOYMENT_ORIENTATION)] if took_part(measure) else []
    if isinstance(measure.outcome, OrientationOutcome) and measure.outcome.business_started:
        found.append(Fact(BUSINESS_STARTED))
    return found


SPEC = MeasureSpec(
    work_package=WorkPackage.WORK,
    details=OrientationDetails,
    progress=(OrientationSession, BusinessIdea, MicrocreditReferral),
    outcome=OrientationOutcome,
    check_progress=_check_progress,
    deadlines=NO_DEADLINES,
    payments=(),
    facts=IndicatorFacts(
        names=frozenset({SELF_EMPLOYMENT_ORIENTATION, BUSINESS_STARTED}), of=_facts
    ),
    labels=MeasureLabels(
        name="Self-employment guidance",
        steps={
            "orientation_session": "Guidance session",
            "business_idea": "Business idea",
            "microcredit_referral": "Referral to microcredit",
        },
        recorded={
            "orientation_session": "Guidance session",
            "business_idea": "Business idea",
            "microcredit_referral": "Referral to microcredit",
        },
        fields={
            "topic": "Topic",
            "summary": "Summary",
            "institution": "Institution",
            "business_started": "Business started",
        },
    ),
)
