"""The ledger's rows as the store reads them, an entry's SEPA end-to-end id, a batch's header."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.payments.errors import PaymentError as PaymentError  # where callers found it
from domain.payments.ledger import LedgerEntry


class LedgerStatus(StrEnum):
    APPROVED = "approved"
    """Owed, in no batch yet."""
    EXPORTED = "exported"
    """In a SEPA file handed to the bank; the statement will say what happened."""
    PAID = "paid"
    RETURNED = "returned"


FOLLOWS: dict[LedgerStatus, frozenset[LedgerStatus]] = {
    LedgerStatus.PAID: frozenset({LedgerStatus.APPROVED, LedgerStatus.EXPORTED}),
    LedgerStatus.RETURNED: frozenset(
        {LedgerStatus.APPROVED, LedgerStatus.EXPORTED, LedgerStatus.PAID}
    ),
}
"""The statuses a row leaves for a paid or returned outcome recorded by its pathway.

An entry paid or returned before any export was settled by hand (or by another channel)
and is never exported; a SEPA return may follow a booking (paid, then returned).
"""


class LedgerRow(BaseModel):
    """One ledger entry and what has happened to it since its approval."""

    model_config = ConfigDict(frozen=True)

    entry: LedgerEntry
    end_to_end_id: str
    status: LedgerStatus
    batch_id: str | None = None
    paid_on: date | None = None
    returned_on: date | None = None
    bank_reference: str | None = None
    return_reason: str | None = None
    settled_at: datetime | None = None


MAX_END_TO_END = 35
"""SEPA's Max35Text: the longest end-to-end id a pain.001 file may carry."""

_ENTRY_ID = re.compile(
    r"^pay-(?P<uuid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/(?P<attempt>\d+)$"
)
_SEPA_ID = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]{1,35}$")


def end_to_end_id_for(entry_id: str) -> str:
    """The end-to-end id the SEPA file carries for a ledger entry, and the statement returns.

    An entry id (`pay-<uuid>/<attempt>`, 42 characters) is longer than the 35 that SEPA
    allows, so it travels as `<uuid without dashes>/<attempt>`: one to one, and
    `entry_id_for` turns it back. Other ids go as they are when SEPA allows them.

    Raises:
        PaymentError: `invalid_end_to_end_id`, an entry id that fits neither form.
    """
    match = _ENTRY_ID.match(entry_id)
    if match is not None:
        compact = f"{match['uuid'].replace('-', '')}/{int(match['attempt'])}"
        if len(compact) <= MAX_END_TO_END:
            return compact
    elif _SEPA_ID.match(entry_id) and not entry_id.startswith("/") and "//" not in entry_id:
        return entry_id
    raise PaymentError(
        "invalid_end_to_end_id", f"ledger entry {entry_id!r} cannot travel as a SEPA end-to-end id"
    )


def entry_id_for(end_to_end_id: str) -> str:
    """The ledger entry id of an end-to-end id (the inverse of `end_to_end_id_for`)."""
    compact = re.fullmatch(r"(?P<hex>[0-9a-f]{32})/(?P<attempt>\d+)", end_to_end_id)
    if compact is None:
        return end_to_end_id
    h = compact["hex"]
    return f"pay-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}/{compact['attempt']}"


class BatchHeader(BaseModel):
    """What a batch's file is built from, besides its ledger rows; stored with the batch."""

    model_config = ConfigDict(frozen=True)

    batch_id: str
    organisation_id: str
    created_at: datetime
    created_by: str
    message_id: str
    execution_date: date
    debtor_name: str
    debtor_iban: str
    debtor_bic: str | None
