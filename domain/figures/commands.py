"""Commands on partner figures: a caseworker disputes, accepts or corrects one."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from domain.fact_dates import FactMonth
from domain.values import Frozen, Identifier, LongText


class DisputeFigure(Frozen):
    """Contest a partner's figure: it shows as disputed until resolved."""

    type: Literal["dispute_figure"] = "dispute_figure"
    figure_id: Identifier
    reason: LongText


class ResolveDispute(Frozen):
    """Accept the partner's disputed figure as it stands."""

    type: Literal["resolve_dispute"] = "resolve_dispute"
    figure_id: Identifier
    note: LongText | None = None


class CorrectAttendance(Frozen):
    """Correct a work grant's recorded hours of a month, with a reason.

    Both figures stay in the history; the month's allowance follows the correction, once.
    A dispute of that month's figure is resolved as corrected.
    """

    type: Literal["correct_attendance"] = "correct_attendance"
    measure_id: Identifier
    month: FactMonth
    hours_verified: Annotated[int, Field(ge=0, le=400)]
    reason: LongText
