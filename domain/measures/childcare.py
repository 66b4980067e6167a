"""Home/work conciliation: baby-sitting for working parents.

Needs a minor in the household, or a declared pregnancy; the children named must be the
household's own.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

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
from domain.measures.spec import (
    NO_DEADLINES,
    Fact,
    IndicatorFacts,
    MeasureLabels,
    MeasureSpec,
    PaymentRule,
)
from domain.payments.ledger import PaymentKind
from domain.values import Identifier, ShortText, WorkPackage


class ChildcareDetails(Details):
    kind: Literal["childcare"] = "childcare"
    provider: ShortText
    hours_per_week: Annotated[int, Field(ge=1, le=60)]
    minor_ids: tuple[Identifier, ...] = ()
    start_on: date


class ChildcareHours(Progress):
    kind: Literal["childcare_hours"] = "childcare_hours"
    month: FactMonth
    hours: Hours


class ChildcareOutcome(Outcome):
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


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
    check_new_month((h.month for h in measure.progress_of(ChildcareHours)), progress.month, "hours")


CHILDCARE = "childcare"


def _facts(measure: Measure) -> list[Fact]:
    return [Fact(CHILDCARE)] if took_part(measure) else []


SPEC = MeasureSpec(
    work_package=WorkPackage.WORK,
    details=ChildcareDetails,
    progress=(ChildcareHours,),
    outcome=ChildcareOutcome,
    check_start=_check_start,
    check_progress=_check_progress,
    deadlines=NO_DEADLINES,
    payments=(PaymentRule(kind=PaymentKind.CHILDCARE, label="Childcare"),),
    facts=IndicatorFacts(names=frozenset({CHILDCARE}), of=_facts),
    labels=MeasureLabels(
        name="Childcare",
        steps={"childcare_hours": "Childcare hours of a month"},
        recorded={"childcare_hours": "Childcare hours"},
        fields={"minor_ids": "Codes of the minors"},
        hints={"minor_ids": "The codes of the minors of the household."},
    ),
)
