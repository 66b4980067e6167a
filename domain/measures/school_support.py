"""School insertion and tutoring for a minor of the household."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from domain.errors import MinorNotInHousehold, NoMinorInHousehold
from domain.fact_dates import FactDate, FactMonth
from domain.measures.base import (
    Hours,
    MeasureKind,
    MeasureSpec,
    RuleContext,
    check_new_month,
)
from domain.values import Frozen, Identifier, ShortText, WorkPackage

if TYPE_CHECKING:
    from domain.measures.state import MeasureState


class SchoolSupportDetails(Frozen):
    kind: Literal["school_support"] = "school_support"
    minor_id: Identifier
    school: ShortText
    start_on: date
    grade: ShortText | None = None


class TutoringHours(Frozen):
    kind: Literal["tutoring_hours"] = "tutoring_hours"
    month: FactMonth
    hours: Hours


class SchoolSupportOutcome(Frozen):
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


def _check_progress(_: RuleContext, measure: MeasureState, progress: Any) -> None:
    check_new_month(
        (h.month for h in measure.progress_of(TutoringHours)), progress.month, "tutoring"
    )


SPEC = MeasureSpec(
    kind=MeasureKind.SCHOOL_SUPPORT,
    work_package=WorkPackage.SOCIO_CULTURAL,
    details=SchoolSupportDetails,
    progress=(TutoringHours,),
    outcome=SchoolSupportOutcome,
    check_start=_check_start,
    check_progress=_check_progress,
)
