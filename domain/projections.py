"""Read-model rows derived from a pathway's state, written with the events that produced them."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime

from domain.values import Frozen, Identifier, Stage


class PathwaySummary(Frozen):
    """One row of the caseload list. Holds no personal data."""

    pathway_id: Identifier
    organisation_id: Identifier
    caseworker_id: Identifier
    stage: Stage
    suspended: bool
    version: int
    opened_at: AwareDatetime
    updated_at: AwareDatetime
    next_deadline: AwareDatetime | None
    measures_planned: int
    measures_active: int
    measures_completed: int


class Obligation(Frozen):
    """Something the pathway owes by a due instant (a deadline)."""

    obligation_id: str
    """Stable within the pathway, e.g. `baseline` or `measure:<id>:target`."""
    kind: str
    due_at: datetime
    measure_id: Identifier | None = None


class ReadModelUpdate(Frozen):
    """Everything the append writes beside the events, in the same transaction."""

    summary: PathwaySummary
    obligations: tuple[Obligation, ...]
