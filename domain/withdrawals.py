"""Escalations a later fact withdraws: the obligation they were sent for was met on time.

Back-dated entry can record, after an escalation was sent, the fact that met its obligation
before the due instant (a rung taken at the end of the catch-up window, or a fact entered
weeks late): the escalation said a deadline was missed that the facts say was not. It is
not deleted (a supervisor still sees that it was sent); the inbox shows it withdrawn, with
the fact that withdrew it, and the e-mail is not sent if it is still in the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from domain.evolution import evolve
from domain.obligations import obligations, owed
from domain.projections import EscalationsWithdrawn, Withdrawal
from domain.records import EventRecord
from domain.state import PathwayState, deadline_instants


def withdrawals(
    before: PathwayState, records: Iterable[EventRecord]
) -> tuple[EscalationsWithdrawn, ...]:
    """The escalations that `records`, folded onto `before`, withdraw."""
    found: list[EscalationsWithdrawn] = []
    state = before
    for record in records:
        after = evolve(state, record)
        found.extend(_met_on_time(state, after, record))
        state = after
    return tuple(found)


def _met_on_time(
    before: PathwayState, after: PathwayState, record: EventRecord
) -> Iterator[EscalationsWithdrawn]:
    """Each obligation that `record` discharged before its due instant, whose ladder had
    escalated for that instant."""
    if before.pathway_id is None:
        return
    still_owed = {o.obligation_id for o in obligations(after)}
    for item in owed(before):
        obligation = item.obligation
        if obligation.obligation_id in still_owed or record.occurred_at >= obligation.due_at:
            continue
        mark = before.ladder.get(obligation.obligation_id)
        taken = mark.steps_for(obligation.due_at) if mark is not None else ()
        if not any(step.escalation and step.step in taken for step in item.revision.ladder):
            continue
        yield EscalationsWithdrawn(
            pathway_id=before.pathway_id,
            obligation_id=obligation.obligation_id,
            due_instants=deadline_instants(obligation.due_at),
            withdrawal=Withdrawal(
                met_by=record.type, met_at=record.occurred_at, withdrawn_at=record.recorded_at
            ),
        )
