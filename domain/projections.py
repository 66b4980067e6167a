"""Read-model rows derived from a pathway's state, written with the events that produced them."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime

from domain.payments.ledger import LedgerEntry, LedgerOutcome
from domain.values import Frozen, Identifier, Role, Stage


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


class Notification(Frozen):
    """A message owed to a person about a deadline; written to the outbox with its event."""

    notification_id: str
    """`<stream id>:<version>` of the ladder event: stable, so a retry never sends twice."""
    pathway_id: Identifier
    organisation_id: Identifier
    recipient_role: Role
    recipient_id: Identifier | None
    """The person, when the role is the pathway's caseworker; else anyone of the role."""
    escalation: bool
    obligation_kind: str
    obligation_id: str
    measure_id: Identifier | None
    due_at: AwareDatetime
    created_at: AwareDatetime


class ReadModelUpdate(Frozen):
    """Everything the append writes beside the events, in the same transaction."""

    summary: PathwaySummary
    obligations: tuple[Obligation, ...]
    notifications: tuple[Notification, ...] = ()
    ledger: tuple[LedgerEntry, ...] = ()
    """One entry per payment fully approved by this append; booked against its budget line."""
    ledger_outcomes: tuple[LedgerOutcome, ...] = ()
    """The bank's answers this append records: applied to the ledger rows of their entries."""
