"""What a pathway owes, and by when, derived from its state alone.

Offsets are data (`Deadlines`); a TOML policy may override them. The earliest due instant is
the pathway's next deadline, which the workflow's single timer and the caseload list use.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from pydantic import Field

from domain.calendar import add_months_dt, month_end, month_key, months_between
from domain.measures import MeasureState, MeasureStatus
from domain.measures.housing_placement import (
    HostingCommunicationSent,
    HousingPlacementDetails,
    HousingSolution,
    MovedIn,
)
from domain.measures.mobility import MobilityDetails, MobilityRoute, conversion_deadline
from domain.measures.work_grant import WorkGrantAttendance, WorkGrantDetails
from domain.projections import Obligation
from domain.state import PathwayState
from domain.values import Frozen, Stage


class Deadlines(Frozen):
    """Default deadlines of DESIGN.md; each an offset from the fact that starts its clock."""

    baseline_days: int = Field(default=7, ge=0)
    assessment_days: int = Field(default=30, ge=0)
    plan_proposal_days: int = Field(default=15, ge=0)
    plan_approval_days: int = Field(default=7, ge=0)
    hosting_communication_hours: int = Field(default=48, ge=0)
    attendance_day_of_next_month: int = Field(default=5, ge=1, le=28)
    permit_renewal_days_before: int = Field(default=60, ge=0)
    licence_conversion_months: int = Field(default=12, ge=1)
    follow_up_months: int = Field(default=6, ge=1)


DEFAULT_DEADLINES = Deadlines()


def end_of(day: date) -> datetime:
    """The instant a day-based deadline falls due: the start of the following day, UTC."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def obligations(state: PathwayState, deadlines: Deadlines = DEFAULT_DEADLINES) -> list[Obligation]:
    """Every obligation still open on this pathway, earliest first."""
    if state.stage is None or state.stage == Stage.CLOSED:
        return []
    found = _stage_obligations(state, deadlines)
    if state.stage == Stage.ACTIVE:
        for measure in state.measures_in(MeasureStatus.PLANNED, MeasureStatus.ACTIVE):
            found.extend(_measure_obligations(state, measure, deadlines))
        if state.end_date is not None:
            found.append(
                Obligation(
                    obligation_id="pathway_end", kind="pathway_end", due_at=end_of(state.end_date)
                )
            )
    if state.stage in {Stage.RECEPTION, Stage.ASSESSMENT, Stage.PLANNING, Stage.ACTIVE}:
        assert state.permit_expires_on is not None
        renew_by = state.permit_expires_on - timedelta(days=deadlines.permit_renewal_days_before)
        found.append(
            Obligation(
                obligation_id="permit_renewal", kind="permit_renewal", due_at=end_of(renew_by)
            )
        )
    return sorted(found, key=lambda o: (o.due_at, o.obligation_id))


def next_deadline(state: PathwayState, deadlines: Deadlines = DEFAULT_DEADLINES) -> datetime | None:
    owed = obligations(state, deadlines)
    return owed[0].due_at if owed else None


def _stage_obligations(state: PathwayState, deadlines: Deadlines) -> list[Obligation]:
    entered = state.stage_entered_at
    assert entered is not None
    match state.stage:
        case Stage.RECEPTION:
            return [
                Obligation(
                    obligation_id="baseline",
                    kind="baseline",
                    due_at=entered + timedelta(days=deadlines.baseline_days),
                )
            ]
        case Stage.ASSESSMENT:
            return [
                Obligation(
                    obligation_id="skills_assessment",
                    kind="skills_assessment",
                    due_at=entered + timedelta(days=deadlines.assessment_days),
                )
            ]
        case Stage.PLANNING if state.pending_plan is None:
            return [
                Obligation(
                    obligation_id="plan_proposal",
                    kind="plan_proposal",
                    due_at=entered + timedelta(days=deadlines.plan_proposal_days),
                )
            ]
        case Stage.PLANNING | Stage.ACTIVE if state.pending_plan is not None:
            due = state.pending_plan.proposed_at + timedelta(days=deadlines.plan_approval_days)
            return [Obligation(obligation_id="plan_approval", kind="plan_approval", due_at=due)]
        case Stage.EXIT:
            assert state.exit is not None
            return [
                Obligation(
                    obligation_id="follow_up",
                    kind="follow_up",
                    due_at=add_months_dt(state.exit.at, deadlines.follow_up_months),
                )
            ]
        case _:
            return []


def _measure_obligations(
    state: PathwayState, measure: MeasureState, deadlines: Deadlines
) -> list[Obligation]:
    mid = measure.measure_id
    owed = [
        Obligation(
            obligation_id=f"measure:{mid}:target",
            kind="measure_target",
            due_at=end_of(measure.target_date),
            measure_id=mid,
        )
    ]
    details = measure.details
    if details is None:
        return owed
    if isinstance(details, WorkGrantDetails):
        recorded = {a.month for a in measure.progress_of(WorkGrantAttendance)}
        missing = [
            m
            for m in months_between(month_key(details.start_on), month_key(details.end_on))
            if m not in recorded
        ]
        if missing:
            due_day = month_end(missing[0]) + timedelta(days=deadlines.attendance_day_of_next_month)
            owed.append(
                Obligation(
                    obligation_id=f"measure:{mid}:attendance:{missing[0]}",
                    kind="work_grant_attendance",
                    due_at=end_of(due_day),
                    measure_id=mid,
                )
            )
    if (
        isinstance(details, HousingPlacementDetails)
        and details.solution == HousingSolution.FAMILY_HOSTING
    ):
        moved = measure.progress_of(MovedIn)
        if moved and not measure.progress_of(HostingCommunicationSent):
            move_in = datetime.combine(moved[0].on, time(), tzinfo=UTC)
            owed.append(
                Obligation(
                    obligation_id=f"measure:{mid}:hosting_communication",
                    kind="hosting_communication",
                    due_at=move_in + timedelta(hours=deadlines.hosting_communication_hours),
                    measure_id=mid,
                )
            )
    if isinstance(details, MobilityDetails) and details.route == MobilityRoute.LICENCE_CONVERSION:
        assert state.resident_since is not None
        last_day = conversion_deadline(state.resident_since, deadlines.licence_conversion_months)
        owed.append(
            Obligation(
                obligation_id=f"measure:{mid}:licence_conversion",
                kind="licence_conversion",
                due_at=end_of(last_day),
                measure_id=mid,
            )
        )
    return owed
