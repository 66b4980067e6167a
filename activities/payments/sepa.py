"""pain.001.001.03 credit transfer files, with `sepaxml`, made deterministic.

`sepaxml` stamps each file with a random message id, the wall clock and random payment
information ids. Here they come from the stored batch instead, so exporting a batch again
writes the very same bytes: the bank sees the same message id and refuses it as a
duplicate, rather than paying everyone twice.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sepaxml import SepaTransfer

from activities.payments.checks import checked_amount, checked_bic, checked_iban, checked_name
from infra.payments.model import BatchHeader, LedgerRow

SCHEMA = "pain.001.001.03"


class _DeterministicTransfer(SepaTransfer):  # type: ignore[misc]
    """A `SepaTransfer` whose ids and creation time are given, not drawn."""

    def __init__(self, config: dict[str, Any], header: BatchHeader) -> None:
        self._header = header
        super().__init__(config, schema=SCHEMA, clean=True)

    def _create_header(self) -> None:
        self.msg_id = self._header.message_id
        super()._create_header()
        group = self._xml.find(self.root_el).find("GrpHdr")
        created = self._header.created_at.astimezone(UTC).replace(tzinfo=None)
        group.find("CreDtTm").text = created.strftime("%Y-%m-%dT%H:%M:%S")

    def _finalize_batch(self) -> None:
        super()._finalize_batch()
        for number, node in enumerate(self._xml.iter("PmtInfId"), start=1):
            node.text = f"{self._header.message_id}-{number}"


def build_transfer(header: BatchHeader, rows: list[LedgerRow]) -> bytes:
    """The pain.001.001.03 document paying `rows` from the header's account, validated.

    Rows are written in the order given (callers sort them by entry id). Amounts are
    whole cents; the end-to-end id of each transfer is its ledger entry's.

    Raises:
        PaymentError: an invalid IBAN or BIC, a row without payee name, an amount out of
            range (see `activities.payments.checks`).
    """
    config: dict[str, Any] = {
        "name": checked_name(header.debtor_name, f"organisation {header.organisation_id}"),
        "IBAN": checked_iban(header.debtor_iban, f"organisation {header.organisation_id}"),
        "batch": True,
        "currency": "EUR",
    }
    if header.debtor_bic:
        config["BIC"] = checked_bic(header.debtor_bic, f"organisation {header.organisation_id}")
    transfer = _DeterministicTransfer(config, header)
    for row in rows:
        entry = row.entry
        whose = f"ledger entry {entry.entry_id}"
        transfer.add_payment(
            {
                "name": checked_name(entry.payee_name, whose),
                "IBAN": checked_iban(entry.iban, whose),
                "amount": checked_amount(entry.amount, whose),
                "execution_date": header.execution_date,
                "description": remittance(row),
                "endtoend_id": row.end_to_end_id,
            }
        )
    document: bytes = transfer.export(validate=True)
    return document


def remittance(row: LedgerRow) -> str:
    """The unstructured remittance text the payee reads: what the payment is for, no name."""
    entry = row.entry
    return f"{entry.kind.value.replace('_', ' ')} {entry.period} ref {entry.evidence_ref}"[:140]
