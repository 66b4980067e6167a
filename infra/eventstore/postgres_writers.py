"""The read models' writers of the Postgres event store, and the one list that registers them.

Each read model has one writer: a small class that `PostgresEventStore.append` runs on the
append's connection, inside its transaction, before the events are inserted (a unit of
work: the events and every read model commit together, or nothing does); a rebuild
(`replace_read_models`) runs the same writers' `on_rebuild`. Adding a read model is one
writer module and one line in `read_model_writers` (docs/event-store.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.crypto.sealing import FieldSealer
from infra.eventstore.postgres_caseload_writer import CaseloadWriter
from infra.eventstore.postgres_ledger import LedgerWriter
from infra.eventstore.postgres_notification_writer import NotificationWriter
from infra.eventstore.postgres_partner_links import PartnerLinkWriter
from infra.eventstore.postgres_referral_inbox import ReferralInboxWriter
from infra.eventstore.postgres_search_index import SearchIndexWriter
from infra.eventstore.postgres_statements import Connection
from infra.eventstore.search_index import search_key_for


class PostgresWriter(Protocol):
    """One read model's writer, on the connection of the transaction that runs it."""

    async def on_append(
        self, conn: Connection, records: Sequence[EventRecord], update: ReadModelUpdate
    ) -> None:
        """Write what the append's update holds for this read model.

        Raises:
            EventStoreError: a refusal (a budget line exceeded, say): the append rolls back.
        """
        ...

    async def on_rebuild(self, conn: Connection, update: ReadModelUpdate) -> None:
        """Write what a rebuild keeps of this read model (`EventRecorder.replace_read_models`)."""
        ...


def read_model_writers(sealer: FieldSealer | None) -> tuple[PostgresWriter, ...]:
    """Every read model's writer, in the order an append runs them.

    The ledger first: a booking may wait for a budget line's row, and it is better waited
    for before the caseload's rows are locked.
    """
    return (
        LedgerWriter(sealer),
        CaseloadWriter(),
        NotificationWriter(),
        PartnerLinkWriter(),
        ReferralInboxWriter(sealer),
        SearchIndexWriter(search_key_for(sealer)),
    )
