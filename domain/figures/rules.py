"""The rules of disputes and corrections of partner figures, called by `domain.decider`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Protocol

from domain import errors
from domain.figures.commands import CorrectAttendance, DisputeFigure, ResolveDispute
from domain.figures.events import (
    AllowanceRecomputed,
    AttendanceCorrected,
    DisputeResolved,
    FigureDisputed,
)
from domain.figures.state import Figures, FigureStatus, PartnerFigure
from domain.measures import CATALOGUE, MeasureState
from domain.measures.base import RuleContext
from domain.measures.work_grant import WorkGrantAttendance, WorkGrantDetails, max_hours_in_month
from domain.payments.events import PaymentRejected, PaymentRequested
from domain.payments.ledger import PaymentKind, payment_id_for
from domain.payments.state import PaymentState, PaymentStatus


class Figured(Protocol):
    """What these rules read of a pathway (`domain.state.PathwayState` is one)."""

    @property
    def pathway_id(self) -> str | None: ...
    @property
    def figures(self) -> Figures: ...
    @property
    def payments(self) -> Mapping[str, PaymentState]: ...


FigureOutcome = (
    FigureDisputed
    | DisputeResolved
    | AttendanceCorrected
    | AllowanceRecomputed
    | PaymentRequested
    | PaymentRejected
)

AWAITING_APPROVAL = frozenset({PaymentStatus.REQUESTED, PaymentStatus.PARTIALLY_APPROVED})
"""A month's allowance whose amount a correction may still change: not yet in the ledger."""


def figure(state: Figured, figure_id: str) -> PartnerFigure:
    """The partner figure `figure_id`.

    Raises:
        FigureNotFound: no partner recorded such a figure on this pathway.
    """
    found = state.figures.by_id.get(figure_id)
    if found is None:
        raise errors.FigureNotFound(f"no partner figure {figure_id}", field="figure_id")
    return found


def dispute(state: Figured, command: DisputeFigure) -> list[FigureOutcome]:
    """Contest a partner's figure; one already disputed is refused (`figure_disputed`)."""
    if figure(state, command.figure_id).status == FigureStatus.DISPUTED:
        raise errors.FigureDisputed("this figure is already disputed", field="figure_id")
    return [FigureDisputed(figure_id=command.figure_id, reason=command.reason)]


def resolve(state: Figured, command: ResolveDispute) -> list[FigureOutcome]:
    """Accept a disputed figure as the partner recorded it."""
    if figure(state, command.figure_id).status != FigureStatus.DISPUTED:
        raise errors.FigureNotDisputed("this figure is not disputed", field="figure_id")
    return [DisputeResolved(figure_id=command.figure_id, outcome="accepted", note=command.note)]


def recorded_hours(state: Figured, measure: MeasureState, month: str) -> int | None:
    """The hours of a work grant's month as they stand: corrected, else as recorded."""
    corrected = state.figures.corrected_hours(measure.measure_id, month)
    if corrected is not None:
        return corrected
    recorded = [a for a in measure.progress_of(WorkGrantAttendance) if a.month == month]
    return recorded[0].hours_verified if recorded else None


def correct_attendance(
    state: Figured, command: CorrectAttendance, measure: MeasureState, ctx: RuleContext
) -> list[FigureOutcome]:
    """A month's hours corrected, its dispute resolved, and its allowance adjusted once.

    The allowance awaiting approval is recomputed (or rejected when nothing is due any
    more); one never requested (the hours gave nothing) is requested now. One approved is
    in the ledger, to be exported: its month is no longer corrected (`allowance_in_ledger`).
    """
    if not isinstance(measure.details, WorkGrantDetails):
        raise errors.MeasureKindMismatch(
            f"measure {measure.measure_id} is a {measure.kind}", field="measure_id"
        )
    previous = recorded_hours(state, measure, command.month)
    if previous is None:
        raise errors.FigureNotFound(f"no attendance recorded for {command.month}", field="month")
    if command.hours_verified == previous:
        raise errors.AlreadyRecorded(
            f"{command.month} already stands at {previous} hours", field="hours_verified"
        )
    if command.hours_verified > max_hours_in_month(measure.details.hours_per_week):
        raise errors.HoursExceeded(
            "more hours than the weekly schedule allows", field="hours_verified"
        )
    assert state.pathway_id is not None
    kind = PaymentKind.WORK_GRANT_ALLOWANCE
    payment_id = payment_id_for(state.pathway_id, measure.measure_id, kind, command.month)
    payment = state.payments.get(payment_id)
    if payment is not None and payment.status not in AWAITING_APPROVAL | {PaymentStatus.REJECTED}:
        raise errors.AllowanceInLedger(
            f"the allowance of {command.month} is {payment.status}: it is no longer corrected",
            field="month",
        )
    found: list[FigureOutcome] = [
        AttendanceCorrected(
            measure_id=measure.measure_id,
            month=command.month,
            hours_verified=command.hours_verified,
            previous_hours=previous,
            reason=command.reason,
        )
    ]
    partner_figure = state.figures.of_month(measure.measure_id, command.month)
    if partner_figure is not None and partner_figure.status == FigureStatus.DISPUTED:
        found.append(
            DisputeResolved(
                figure_id=partner_figure.figure_id, outcome="corrected", note=command.reason
            )
        )
    if payment is not None and payment.status == PaymentStatus.REJECTED:
        return found  # a supervisor refused this month's allowance: the correction is a fact
    others = {k: p for k, p in state.payments.items() if k != payment_id}
    attendance = WorkGrantAttendance(
        month=command.month, hours_verified=command.hours_verified, verified_by=ctx.actor.id
    )
    spec = CATALOGUE[measure.kind]
    due = [
        e
        for e in spec.on_progress(replace(ctx, payments=others), measure, attendance)
        if isinstance(e, PaymentRequested)
    ]
    if payment is None:
        return [*found, *due]
    if not due:
        return [
            *found,
            PaymentRejected(
                payment_id=payment_id,
                reason=f"the corrected hours of {command.month} give no allowance",
            ),
        ]
    assert due[0].basis is not None
    return [
        *found,
        AllowanceRecomputed(payment_id=payment_id, amount=due[0].amount, basis=due[0].basis),
    ]


def check_undisputed(state: Figured, payment_id: str) -> None:
    """Refuse to approve a month's allowance while the hours it follows are disputed.

    Raises:
        FigureDisputed: the partner's figure of that month is disputed.
    """
    payment = state.payments.get(payment_id)
    if payment is None or payment.kind != PaymentKind.WORK_GRANT_ALLOWANCE:
        return
    partner_figure = state.figures.of_month(payment.measure_id, payment.period)
    if partner_figure is not None and partner_figure.status == FigureStatus.DISPUTED:
        raise errors.FigureDisputed(
            f"the hours of {payment.period} are disputed: resolve the dispute first",
            field="payment_id",
        )
