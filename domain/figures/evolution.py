"""How partner recordings and figure events change the figures of a pathway. No rules here."""

from __future__ import annotations

from typing import assert_never

from domain.calendar import project_day
from domain.figures.events import (
    AllowanceRecomputed,
    AttendanceCorrected,
    DisputeResolved,
    FigureDisputed,
)
from domain.figures.state import AttendanceCorrection, Figures, FigureStatus, PartnerFigure
from domain.measures import MeasureProgress
from domain.measures.work_grant import WorkGrantAttendance
from domain.records import EventRecord


def record_figure(
    figures: Figures, measure_id: str, position: int, progress: MeasureProgress, record: EventRecord
) -> Figures:
    """The figures after a partner contact recorded `progress` as the measure's step `position`.

    A step recorded by anyone but a partner is no partner figure: the figures are unchanged.
    """
    actor = record.actor
    if actor.partner_id is None or actor.contact_id is None:
        return figures
    figure = PartnerFigure(
        figure_id=f"{measure_id}.{position}",
        measure_id=measure_id,
        progress_kind=progress.kind,
        partner_id=actor.partner_id,
        contact_id=actor.contact_id,
        recorded_on=project_day(record.occurred_at),
        month=progress.month if isinstance(progress, WorkGrantAttendance) else None,
    )
    return figures.model_copy(update={"by_id": {**figures.by_id, figure.figure_id: figure}})


def evolve_figures(
    figures: Figures,
    event: FigureDisputed | DisputeResolved | AttendanceCorrected,
    record: EventRecord,
) -> Figures:
    """The figures after one figure event."""
    match event:
        case FigureDisputed():
            return _with_figure(
                figures,
                figures.by_id[event.figure_id].model_copy(
                    update={
                        "status": FigureStatus.DISPUTED,
                        "dispute_reason": event.reason,
                        "disputed_by": record.actor.id,
                    }
                ),
            )
        case DisputeResolved():
            status = (
                FigureStatus.ACCEPTED if event.outcome == "accepted" else FigureStatus.CORRECTED
            )
            return _with_figure(
                figures,
                figures.by_id[event.figure_id].model_copy(
                    update={"status": status, "resolution_note": event.note}
                ),
            )
        case AttendanceCorrected():
            correction = AttendanceCorrection(
                **event.model_dump(exclude={"type"}),
                corrected_by=record.actor.id,
                at=record.occurred_at,
            )
            return figures.model_copy(update={"corrections": (*figures.corrections, correction)})
        case _:
            assert_never(event)


def _with_figure(figures: Figures, figure: PartnerFigure) -> Figures:
    return figures.model_copy(update={"by_id": {**figures.by_id, figure.figure_id: figure}})


__all__ = ["AllowanceRecomputed", "evolve_figures", "record_figure"]
