"""The read-model rows a state yields: written with the events, rebuildable from them."""

from __future__ import annotations

from collections.abc import Iterable

from domain.measures import MeasureStatus
from domain.notifications import notifications
from domain.obligations import obligations
from domain.projections import PathwaySummary, ReadModelUpdate
from domain.records import EventRecord
from domain.state import PathwayState


def read_models(state: PathwayState, records: Iterable[EventRecord] = ()) -> ReadModelUpdate:
    """The caseload row, the open obligations, and the notifications `records` owe people."""
    assert state.pathway_id and state.organisation_id and state.caseworker_id and state.stage
    assert state.opened_at and state.updated_at
    owed = obligations(state)
    summary = PathwaySummary(
        pathway_id=state.pathway_id,
        organisation_id=state.organisation_id,
        caseworker_id=state.caseworker_id,
        stage=state.stage,
        suspended=state.suspension is not None,
        version=state.version,
        opened_at=state.opened_at,
        updated_at=state.updated_at,
        next_deadline=owed[0].due_at if owed else None,
        measures_planned=len(state.measures_in(MeasureStatus.PLANNED)),
        measures_active=len(state.measures_in(MeasureStatus.ACTIVE)),
        measures_completed=len(state.measures_in(MeasureStatus.COMPLETED)),
    )
    return ReadModelUpdate(
        summary=summary, obligations=tuple(owed), notifications=notifications(state, records)
    )
