"""Certification of titles held: CIMEA comparability, or validation of competences.

Lifecycle: started (title and route) → submitted to the authority → issued or refused.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from domain.errors import StepOutOfOrder
from domain.fact_dates import FactDate
from domain.measures.base import MeasureKind, MeasureSpec, RuleContext
from domain.values import Frozen, ShortText, WorkPackage

if TYPE_CHECKING:
    from domain.measures.state import MeasureState


class RecognitionRoute(StrEnum):
    CIMEA_COMPARABILITY = "cimea_comparability"
    """Statement of comparability of a foreign qualification (CIMEA)."""
    COMPETENCE_VALIDATION = "competence_validation"
    """Validation and certification of competences, d.lgs. 13/2013."""


class RecognitionResult(StrEnum):
    ISSUED = "issued"
    REFUSED = "refused"


class TitleRecognitionDetails(Frozen):
    kind: Literal["title_recognition"] = "title_recognition"
    title: ShortText
    route: RecognitionRoute
    start_on: date


class TitleSubmitted(Frozen):
    kind: Literal["title_submitted"] = "title_submitted"
    authority: ShortText
    submitted_on: FactDate


class TitleRecognitionOutcome(Frozen):
    kind: Literal["title_recognition"] = "title_recognition"
    result: RecognitionResult
    decided_on: FactDate
    reference: ShortText | None = None


def _check_progress(_: RuleContext, measure: MeasureState, progress: Any) -> None:
    if measure.progress_of(TitleSubmitted):
        raise StepOutOfOrder("the title was already submitted", field="progress")


def _check_complete(_: RuleContext, measure: MeasureState, outcome: Any) -> None:
    if not measure.progress_of(TitleSubmitted):
        raise StepOutOfOrder("a title must be submitted before it is issued or refused")


SPEC = MeasureSpec(
    kind=MeasureKind.TITLE_RECOGNITION,
    work_package=WorkPackage.WORK,
    details=TitleRecognitionDetails,
    progress=(TitleSubmitted,),
    outcome=TitleRecognitionOutcome,
    check_progress=_check_progress,
    check_complete=_check_complete,
)
