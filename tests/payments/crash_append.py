"""A worker's append of one payment approval, run as its own process by the crash tests.

`python -m tests.payments.crash_append DATABASE_URL PATHWAY_ID` appends, through the
worker's own activity (`EventStoreActivities.append_events`), the approval command of
`approval_request(PATHWAY_ID)`: its event, its ledger entry and its budget commitment in
one transaction. The test kills this process while that transaction is open.
"""

from __future__ import annotations

import asyncio
import sys

from activities.pathways.event_store import AppendRequest, EventStoreActivities
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from tests.eventstore.builders import records
from tests.eventstore.ledger_builders import entry, with_ledger

APPROVAL_COMMAND = "approve-furniture"
AMOUNT = 950_00


def approval_request(pathway_id: str) -> AppendRequest:
    """The append of the final approval of a furniture payment, at stream version 1."""
    return AppendRequest(
        stream_id=pathway_id,
        expected_version=1,
        records=records(pathway_id, 1, APPROVAL_COMMAND),
        read_models=with_ledger(
            pathway_id, 2, entry(pathway_id, AMOUNT, organisation_id="org-lecce")
        ),
    )


async def main(database_url: str, pathway_id: str) -> None:
    pool = await open_pool(database_url, min_size=1, max_size=1)
    try:
        activities = EventStoreActivities(PostgresEventStore(pool))
        result = await activities.append_events(approval_request(pathway_id))
        print(result.model_dump_json())
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
