"""The state of one measure within a pathway."""

from __future__ import annotations

from datetime import date

from domain.measures.base import MeasureKind, MeasureStatus
from domain.measures.unions import MeasureDetails, MeasureOutcome, MeasureProgress
from domain.values import Frozen, Identifier, ShortText


class ProgressEntry(Frozen):
    """One recorded step of a measure, with its business date and who recorded it."""

    progress: MeasureProgress
    on: date
    actor_id: Identifier


class MeasureState(Frozen):
    measure_id: Identifier
    kind: MeasureKind
    target_date: date
    description: ShortText | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    details: MeasureDetails | None = None
    started_by: Identifier | None = None
    started_on: date | None = None
    progress: tuple[ProgressEntry, ...] = ()
    outcome: MeasureOutcome | None = None
    closed_on: date | None = None

    def progress_of(self, kind: str) -> list[MeasureProgress]:
        """The recorded progress items of one progress kind, oldest first."""
        return [p.progress for p in self.progress if p.progress.kind == kind]
