"""Work grant (borsa lavoro / traineeship) with a host company and a tutor.

Lasts 2 to 12 months; attendance is verified by the host's tutor month by month, and the
monthly allowance is paid pro rata of it: recording a month's attendance also requests
that month's allowance (`_allowance`, in the same append), paid to the beneficiary at the
IBAN given in the details. Without one, the request waits for `correct_payee`. The month's
attendance is owed by a day of the next month (the policy's `attendance_day_of_next_month`).
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import Field

from domain.calendar import add_months, month_end, month_key, months_between
from domain.errors import HoursExceeded, OutsidePeriod, WorkGrantDurationInvalid
from domain.fact_dates import FactDate, FactMonth
from domain.measures.base import (
    Details,
    Measure,
    Outcome,
    Progress,
    RuleContext,
    check_new_month,
    took_part,
)
from domain.measures.spec import (
    Fact,
    IndicatorFacts,
    MeasureDeadlines,
    MeasureLabels,
    MeasureSpec,
    Owing,
    PaymentRule,
)
from domain.payments.allowance import allowance, full_hours
from domain.payments.events import PaymentRequested
from domain.payments.ledger import PaymentKind, payment_id_for
from domain.payments.payee import Payee, checked_payee
from domain.payments.state import AllowanceBasis, committed
from domain.values import Money, ShortText, WorkPackage


class WorkGrantDetails(Details):
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


class WorkGrantAttendance(Progress):
    kind: Literal["work_grant_attendance"] = "work_grant_attendance"
    month: FactMonth
    hours_verified: Annotated[int, Field(ge=0, le=400)]
    verified_by: ShortText


class WorkGrantOutcome(Outcome):
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


def _check_progress(_: RuleContext, measure: Measure, progress: Any) -> None:
    details = measure.details_as(WorkGrantDetails)
    if not month_key(details.start_on) <= progress.month <= month_key(details.end_on):
        raise OutsidePeriod("the month lies outside the work grant", field="month")
    recorded = (a.month for a in measure.progress_of(WorkGrantAttendance))
    check_new_month(recorded, progress.month, "attendance")
    if progress.hours_verified > max_hours_in_month(details.hours_per_week):
        raise HoursExceeded("more hours than the weekly schedule allows", field="hours_verified")


def _allowance(ctx: RuleContext, measure: Measure, attendance: Any) -> list[PaymentRequested]:
    """The request of a month's allowance that its attendance produces; none if nothing is due.

    The attendance is a fact and is always recorded; the allowance is cut to what remains
    of the individual budget (the basis says so), and none is requested once it is spent.
    """
    details = measure.details_as(WorkGrantDetails)
    terms = ctx.terms
    hours = full_hours(
        details.hours_per_week,
        details.start_on,
        details.end_on,
        attendance.month,
        terms.full_month_hours,
    )
    share = Fraction(terms.allowance_minimum_share_percent, 100)
    due = allowance(details.monthly_allowance, hours, attendance.hours_verified, share)
    left = terms.individual_budget - committed(ctx.payments.values())
    amount = min(due, max(left, 0))
    if amount <= 0:
        return []
    kind = PaymentKind.WORK_GRANT_ALLOWANCE
    return [
        PaymentRequested(
            payment_id=payment_id_for(ctx.pathway_id, measure.measure_id, kind, attendance.month),
            measure_id=measure.measure_id,
            kind=kind,
            amount=amount,
            payee=None if details.payee is None else checked_payee(details.payee),
            evidence_ref=f"work_grant_attendance:{measure.measure_id}:{attendance.month}",
            period=attendance.month,
            basis=AllowanceBasis(
                hours_verified=attendance.hours_verified,
                full_hours=f"{float(hours):.2f}",
                monthly_allowance=details.monthly_allowance,
                minimum_share_percent=terms.allowance_minimum_share_percent,
                capped_by_budget=amount < due,
            ),
        )
    ]


def _owe_attendance(owing: Owing, measure: Measure) -> None:
    """The first month without attendance is owed by a day of the month after it."""
    details = measure.details
    if not isinstance(details, WorkGrantDetails):
        return
    recorded = {a.month for a in measure.progress_of(WorkGrantAttendance)}
    months = months_between(month_key(details.start_on), month_key(details.end_on))
    missing = [m for m in months if m not in recorded]
    if missing:
        anchor = owing.end_of(month_end(missing[0]))
        day = owing.deadlines_at(anchor).attendance_day_of_next_month
        due = owing.end_of(month_end(missing[0]) + timedelta(days=day))
        owing.add(
            f"measure:{measure.measure_id}:attendance:{missing[0]}",
            "work_grant_attendance",
            anchor,
            due,
            measure.measure_id,
        )


WORK_GRANT = "work_grant"
HIRED_AFTER_WORK_GRANT = "hired_after_work_grant"
"""A work grant completed with the beneficiary hired (`WorkGrantOutcome.hired`)."""


def _facts(measure: Measure) -> list[Fact]:
    found = [Fact(WORK_GRANT)] if took_part(measure) else []
    if isinstance(measure.outcome, WorkGrantOutcome) and measure.outcome.hired:
        found.append(Fact(HIRED_AFTER_WORK_GRANT))
    return found


SPEC = MeasureSpec(
    work_package=WorkPackage.WORK,
    details=WorkGrantDetails,
    progress=(WorkGrantAttendance,),
    partner_records=frozenset({"work_grant_attendance"}),
    outcome=WorkGrantOutcome,
    check_start=_check_start,
    check_progress=_check_progress,
    on_progress=_allowance,
    deadlines=MeasureDeadlines(
        kinds={"work_grant_attendance": "Record work grant attendance"}, owe=_owe_attendance
    ),
    payments=(
        PaymentRule(
            kind=PaymentKind.WORK_GRANT_ALLOWANCE,
            label="Work-grant allowance",
            requestable=False,  # it follows the month's recorded attendance
        ),
    ),
    facts=IndicatorFacts(names=frozenset({WORK_GRANT, HIRED_AFTER_WORK_GRANT}), of=_facts),
    labels=MeasureLabels(
        name="Work grant (traineeship)",
        steps={"work_grant_attendance": "Monthly attendance"},
        recorded={"work_grant_attendance": "Work grant attendance"},
        fields={
            "host_company": "Host company",
            "tutor": "Tutor",
            "end_on": "End date",
            "monthly_allowance": "Monthly allowance (€)",
            "hours_verified": "Hours verified",
            "verified_by": "Verified by",
            "hired": "Hired",
            "contract": "Contract",
            "WorkGrantDetails.payee": "Account for the allowances (the beneficiary's)",
        },
        hints={
            "WorkGrantDetails.payee": (
                "Without it, each month's allowance waits for the payee before approval."
            ),
        },
    ),
)

__all__ = ["SPEC", "WorkGrantAttendance", "WorkGrantDetails", "WorkGrantOutcome"]
