"""Certification of titles held: CIMEA comparability, or validation of competences.

Lifecycle: started (title and route) → submitted to the authority → issued or refused.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from domain.errors import StepOutOfOrder
from domain.fact_dates import FactDate
from domain.measures.base import Details, Measure, Outcome, Progress, RuleContext
from domain.measures.spec import NO_DEADLINES, Fact, IndicatorFacts, MeasureLabels, MeasureSpec
from domain.values import ShortText, WorkPackage


class RecognitionRoute(StrEnum):
    CIMEA_COMPARABILITY = "cimea_comparability"
    """Statement of comparability of a foreign qualification (CIMEA)."""
    COMPETENCE_VALIDATION = "competence_validation"
    """Validation and certification of competences, d.lgs. 13/2013."""


class RecognitionResult(StrEnum):
    ISSUED = "issued"
    REFUSED = "refused"


class TitleRecognitionDetails(Details):
    kind: Literal["title_recognition"] = "title_recognition"
    title: ShortText
    route: RecognitionRoute
    start_on: date


class TitleSubmitted(Progress):
    kind: Literal["title_submitted"] = "title_submitted"
    authority: ShortText
    submitted_on: FactDate


class TitleRecognitionOutcome(Outcome):
    kind: Literal["title_recognition"] = "title_recognition"
    result: RecognitionResult
    decided_on: FactDate
    reference: ShortText | None = None


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
    if measure.progress_of(TitleSubmitted):
        raise StepOutOfOrder("the title was already submitted", field="progress")


def _check_complete(_: RuleContext, measure: Measure, outcome: Any) -> None:
    if not measure.progress_of(TitleSubmitted):
        raise StepOutOfOrder("a title must be submitted before it is issued or refused")


CERTIFIED_COMPETENCES = "certified_competences"


def _facts(measure: Measure) -> list[Fact]:
    outcome = measure.outcome
    issued = isinstance(outcome, TitleRecognitionOutcome) and (
        outcome.result == RecognitionResult.ISSUED
    )
    return [Fact(CERTIFIED_COMPETENCES)] if issued else []


SPEC = MeasureSpec(
    work_package=WorkPackage.WORK,
    details=TitleRecognitionDetails,
    progress=(TitleSubmitted,),
    outcome=TitleRecognitionOutcome,
    check_progress=_check_progress,
    check_complete=_check_complete,
    deadlines=NO_DEADLINES,
    payments=(),
    facts=IndicatorFacts(names=frozenset({CERTIFIED_COMPETENCES}), of=_facts),
    labels=MeasureLabels(
        name="Recognition of qualifications",
        steps={"title_submitted": "Application submitted"},
        recorded={"title_submitted": "Application for recognition submitted"},
        fields={
            "TitleRecognitionDetails.title": "Qualification to recognise",
            "submitted_on": "Submitted on",
            "decided_on": "Decided on",
            "reference": "Reference",
        },
        options={
            "RecognitionRoute": {
                "cimea_comparability": "CIMEA statement of comparability",
                "competence_validation": "Validation of competences",
            },
            "RecognitionResult": {"issued": "Issued", "refused": "Refused"},
        },
    ),
)
