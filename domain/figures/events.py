"""Events of partner figures: disputed, resolved, corrected, and the allowance recomputed."""

from __future__ import annotations

from typing import Literal

from domain.payments.state import AllowanceBasis
from domain.values import Frozen, Identifier, LongText, Money


class FigureDisputed(Frozen):
    type: Literal["FigureDisputed"] = "FigureDisputed"
    figure_id: Identifier
    reason: LongText


class DisputeResolved(Frozen):
    type: Literal["DisputeResolved"] = "DisputeResolved"
    figure_id: Identifier
    outcome: Literal["accepted", "corrected"]
    note: LongText | None = None


class AttendanceCorrected(Frozen):
    type: Literal["AttendanceCorrected"] = "AttendanceCorrected"
    measure_id: Identifier
    month: str
    hours_verified: int
    previous_hours: int
    reason: LongText


class AllowanceRecomputed(Frozen):
    """A month's allowance awaiting approval, recomputed from corrected hours.

    Its approvals so far were of the old amount and are void; it is approved afresh.
    """

    type: Literal["AllowanceRecomputed"] = "AllowanceRecomputed"
    payment_id: Identifier
    amount: Money
    basis: AllowanceBasis


FigureEvent = FigureDisputed | DisputeResolved | AttendanceCorrected | AllowanceRecomputed
