"""The ledger table's columns, and how a row of them becomes a `LedgerRow`.

Shared by the ledger's one writer (`infra.eventstore.postgres_ledger`) and the modules that
only read the ledger (the payments store's exports and report, the administration page's
overview), so a reader needs no import of the writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.payments.ledger import LedgerEntry
from infra.crypto.sealing import FieldSealer
from infra.payments.model import LedgerRow

LEDGER_COLUMNS = (
    "entry_id, end_to_end_id, payment_id, attempt, pathway_id, organisation_id, measure_id,"
    " kind, budget_line, amount, payee_name, iban, evidence_ref, period, requested_by,"
    " approved_by, approved_at, due_on, status, batch_id, paid_on, returned_on,"
    " bank_reference, return_reason, settled_at"
)

PERSONAL_COLUMNS = ("payee_name", "iban")
"""The ledger's personal data: sealed with the pathway's key when there is a sealer."""


def personal_place(entry_id: str, column: str) -> str:
    """Where a personal column of a ledger row is sealed: its sealer's associated data."""
    return f"ledger|{entry_id}|{column}"


async def opened_rows(
    sealer: FieldSealer | None, rows: Sequence[dict[str, Any]]
) -> list[LedgerRow]:
    """`LedgerRow`s from dict rows of `LEDGER_COLUMNS`, their personal columns opened."""
    if sealer is None:
        return [ledger_row(r) for r in rows]
    opened = []
    for row in rows:
        row = dict(row)
        for column in PERSONAL_COLUMNS:
            place = personal_place(row["entry_id"], column)
            row[column] = await sealer.open_column(place, row[column])
        opened.append(ledger_row(row))
    return opened


def ledger_row(row: dict[str, Any]) -> LedgerRow:
    """A `LedgerRow` from a dict row of `LEDGER_COLUMNS`."""
    fields = set(LedgerEntry.model_fields)
    entry = LedgerEntry.model_validate(
        {k: (tuple(v) if k == "approved_by" else v) for k, v in row.items() if k in fields}
    )
    return LedgerRow.model_validate(
        {"entry": entry, **{k: v for k, v in row.items() if k not in fields}}
    )
