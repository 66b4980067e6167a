"""The two pathways the event store's contract suite writes, and what it reads of one.

The contract suite (tests/eventstore/test_append_and_read_contract.py,
test_idempotency_and_concurrency_contract.py, test_read_models_contract.py) runs against
every store; these steps are the ones its files share.
"""

from __future__ import annotations

from datetime import timedelta

from domain.projections import Obligation, PathwaySummary
from domain.records import EventRecord
from infra.eventstore.base import EventStore
from tests.eventstore.builders import T0, obligation, read_models, records, summary

P1 = "pw-0001"
P2 = "pw-0002"


async def open_pathway(
    store: EventStore, stream_id: str = P1, count: int = 1, **summary_fields: object
) -> list[EventRecord]:
    batch = records(stream_id, 0, f"{stream_id}-open", count)
    row = summary(stream_id, count, **summary_fields)  # type: ignore[arg-type]
    await store.append(
        stream_id, 0, batch, read_models(row, obligation("baseline", T0 + timedelta(days=7)))
    )
    return batch


async def snapshot(
    store: EventStore, pathway_id: str = P1
) -> tuple[list[EventRecord], PathwaySummary | None, list[Obligation]]:
    """Everything the store holds about one pathway, to show that nothing changed."""
    return (
        await store.read_all(),
        await store.caseload.get_summary(pathway_id),
        [o.obligation for o in await store.caseload.open_obligations(pathway_id=pathway_id)],
    )
