"""The figures partners recorded on a pathway, and the corrections of monthly hours."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from domain.values import Frozen, Identifier, LongText


class FigureStatus(StrEnum):
    RECORDED = "recorded"
    DISPUTED = "disputed"
    ACCEPTED = "accepted"
    """Disputed, then the partner's figure was accepted."""
    CORRECTED = "corrected"
    """Disputed (or not), then a caseworker corrected it with a reason."""


class PartnerFigure(Frozen):
    """One step a partner contact recorded, and where its dispute stands."""

    figure_id: Identifier
    """`<measure id>.<position of the step in the measure>`: stable, steps are only appended."""
    measure_id: Identifier
    progress_kind: str
    partner_id: Identifier
    contact_id: Identifier
    recorded_on: date
    month: str | None = None
    """The month a work grant's attendance is for: what a correction names."""
    status: FigureStatus = FigureStatus.RECORDED
    dispute_reason: LongText | None = None
    disputed_by: Identifier | None = None
    resolution_note: LongText | None = None


class AttendanceCorrection(Frozen):
    """A caseworker's correction of a month's hours: the tutor's figure stays in the history."""

    measure_id: Identifier
    month: str
    hours_verified: int
    previous_hours: int
    reason: LongText
    corrected_by: Identifier
    at: AwareDatetime


class Figures(Frozen):
    """The partner figures of one pathway, by id, and every correction, oldest first."""

    by_id: dict[str, PartnerFigure] = Field(default_factory=dict)
    corrections: tuple[AttendanceCorrection, ...] = ()

    def corrected_hours(self, measure_id: str, month: str) -> int | None:
        """The hours of the latest correction of a month; None if never corrected."""
        found = [c for c in self.corrections if (c.measure_id, c.month) == (measure_id, month)]
        return found[-1].hours_verified if found else None

    def of_month(self, measure_id: str, month: str) -> PartnerFigure | None:
        """The partner's figure of a work grant's month, if a partner recorded it."""
        for figure in self.by_id.values():
            if (figure.measure_id, figure.month) == (measure_id, month):
                return figure
        return None
