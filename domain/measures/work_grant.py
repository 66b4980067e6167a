"""Work grant (borsa lavoro / traineeship) with a host company and a tutor.

Lasts 2 to 12 months; attendance is verified by the host's tutor month by month, and the
monthly allowance is paid pro rata of it: recording a month's attendance also requests
that month's allowance (`domain.payments.rules.allowance_request`), paid to the beneficiary
at the IBAN given in the details. Without one, the request waits for `correct_payee`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from domain.calendar import add_months, month_key
from domain.errors import HoursExceeded, OutsidePeriod, WorkGrantDurationInvalid
from domain.fact_dates import FactDate, FactMonth
from domain.measures.base import MeasureKind, MeasureSpec, RuleContext, check_new_month
from domain.payments.payee import Payee, checked_payee
from domain.values import Frozen, Money, ShortText, WorkPackage

if TYPE_CHECKING:
    from domain.measures.state import MeasureState


class WorkGrantDetails(Frozen):
    kind: Literal["work_grant"] = "work_grant"
    host_company: ShortText
    tutor: ShortText
    start_on: date
    end_on: date
    hours_per_week: Annotated[int, Field(ge=1, le=40)]
    monthly_allowance: Money
    """Euro cents paid for a month of full attendance."""
    payee: Payee | None = None
    """The beneficiary's account for the allowances; when missing, each month's allowance
    is requested without it and waits for `correct_payee` before it can be approved."""


class WorkGrantAttendance(Frozen):
    kind: Literal["work_grant_attendance"] = "work_grant_attendance"
    month: FactMonth
    hours_verified: Annotated[int, Field(ge=0, le=400)]
    verified_by: ShortText


class WorkGrantOutcome(Frozen):
    kind: Literal["work_grant"] = "work_grant"
    completed_on: FactDate
    hired: bool
    contract: ShortText | None = None


def max_hours_in_month(hours_per_week: int) -> int:
    """The most hours a month can hold at this weekly schedule (31 days)."""
    return -(-hours_per_week * 31 // 7)


def _check_start(ctx: RuleContext, details: Any) -> None:
    if details.payee is not None:
        checked_payee(details.payee, field="details.payee")
    shortest = add_months(details.start_on, ctx.limits.work_grant_min_months) - timedelta(days=1)
    longest = add_months(details.start_on, ctx.limits.work_grant_max_months) - timedelta(days=1)
    if not shortest <= details.end_on <= longest:
        raise WorkGrantDurationInvalid(
            f"a work grant lasts {ctx.limits.work_grant_min_months} to "
            f"{ctx.limits.work_grant_max_months} months: "
            f"it must end between {shortest} and {longest}",
            field="end_on",
        )


def _check_progress(_: RuleContext, measure: MeasureState, progress: Any) -> None:
    details = measure.details_as(WorkGrantDetails)
    if not month_key(details.start_on) <= progress.month <= month_key(details.end_on):
        raise OutsidePeriod("the month lies outside the work grant", field="month")
    recorded = (a.month for a in measure.progress_of(WorkGrantAttendance))
    check_new_month(recorded, progress.month, "attendance")
    if progress.hours_verified > max_hours_in_month(details.hours_per_week):
        raise HoursExceeded("more hours than the weekly schedule allows", field="hours_verified")


SPEC = MeasureSpec(
    kind=MeasureKind.WORK_GRANT,
    work_package=WorkPackage.WORK,
    details=WorkGrantDetails,
    progress=(WorkGrantAttendance,),
    outcome=WorkGrantOutcome,
    check_start=_check_start,
    check_progress=_check_progress,
)

__all__ = ["SPEC", "WorkGrantAttendance", "WorkGrantDetails", "WorkGrantOutcome"]
