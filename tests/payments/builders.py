"""Ledger rows and statements for the payment tests."""

from __future__ import annotations

from pathlib import Path

from domain.payments.ledger import LedgerEntry
from infra.payments.model import LedgerRow, LedgerStatus, end_to_end_id_for

FIXTURES = Path(__file__).parent / "fixtures"


def row_of(entry: LedgerEntry, status: LedgerStatus = LedgerStatus.EXPORTED) -> LedgerRow:
    return LedgerRow(entry=entry, end_to_end_id=end_to_end_id_for(entry.entry_id), status=status)


def camt053(e2e: tuple[str, str, str], amounts: tuple[str, str, str]) -> bytes:
    """The camt.053 fixture with these end-to-end ids and amounts (euros, as written)."""
    text = (FIXTURES / "camt053_template.xml").read_text()
    total = f"{(int(amounts[0].replace('.', '')) + int(amounts[1].replace('.', ''))) / 100:.2f}"
    for key, value in {
        "{E2E_1}": e2e[0],
        "{E2E_2}": e2e[1],
        "{E2E_3}": e2e[2],
        "{AMOUNT_1}": amounts[0],
        "{AMOUNT_2}": amounts[1],
        "{AMOUNT_3}": amounts[2],
        "{AMOUNT_1_PLUS_2}": total,
    }.items():
        text = text.replace(key, value)
    return text.encode()
