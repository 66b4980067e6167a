"""The state of one measure within a pathway."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from domain.measures.base import MeasureStatus
from domain.measures.catalogue import MeasureKind
from domain.measures.unions import MeasureDetails, MeasureOutcome, MeasureProgress
from domain.values import Frozen, Identifier, ShortText

P = TypeVar("P", bound=Frozen)
D = TypeVar("D", bound=Frozen)


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

    def progress_of(self, kind: type[P]) -> list[P]:
        """The recorded progress items of one progress model, oldest first."""
        return [p.progress for p in self.progress if isinstance(p.progress, kind)]

    def details_as(self, kind: type[D]) -> D:
        """The details given at the start, as the model of this measure's kind."""
        if not isinstance(self.details, kind):
            raise TypeError(f"measure {self.measure_id} has no {kind.__name__}")
        return self.details
