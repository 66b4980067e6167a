"""Home/work conciliation: baby-sitting for working parents.

Needs a minor in the household, or a declared pregnancy; the children named must be the
household's own.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

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


class ChildcareDetails(Frozen):
    kind: Literal["childcare"] = "childcare"
    provider: ShortText
    hours_per_week: Annotated[int, Field(ge=1, le=60)]
    minor_ids: tuple[Identifier, ...] = ()
    start_on: date


class ChildcareHours(Frozen):
    kind: Literal["childcare_hours"] = "childcare_hours"
    month: FactMonth
    hours: Hours


class ChildcareOutcome(Frozen):
    kind: Literal["childcare"] = "childcare"
    completed_on: FactDate


def _check_start(ctx: RuleContext, details: Any) -> None:
    household = ctx.household
    if not household.minors and not household.pregnancy_declared:
        raise NoMinorInHousehold("childcare needs a minor or a declared pregnancy in the household")
    known = {m.minor_id for m in household.minors}
    unknown = [m for m in details.minor_ids if m not in known]
    if unknown:
        raise MinorNotInHousehold(
            f"not minors of this household: {', '.join(unknown)}", field="minor_ids"
        )
    if not details.minor_ids and not household.pregnancy_declared:
        raise NoMinorInHousehold("name the children the childcare is for", field="minor_ids")


def _check_progress(_: RuleContext, measure: MeasureState, progress: Any) -> None:
    check_new_month((h.month for h in measure.progress_of(ChildcareHours)), progress.month, "hours")


SPEC = MeasureSpec(
    kind=MeasureKind.CHILDCARE,
    work_package=WorkPackage.WORK,
    details=ChildcareDetails,
    progress=(ChildcareHours,),
    outcome=ChildcareOutcome,
    check_start=_check_start,
    check_progress=_check_progress,
)
