"""Bank statements: what the bank says happened to each transfer, from CSV or camt.053.

The CSV format (UTF-8, comma separated, one header line, amounts in euros with a dot):

    date,end_to_end_id,amount,status,bank_reference,reason
    2027-03-05,86fdac831a96590dbb1ca6bf41c9f7e0/1,123.45,paid,BNK-0001,
    2027-03-12,0c2b9e6f7a5d4c3b2a19f8e7d6c5b4a3/1,600.00,returned,BNK-0002,AC04

`status` is `paid` or `returned`; `reason` (a SEPA return reason code, or text) only
for returns. From camt.053, each entry's transaction details give the end-to-end id
(`Refs/EndToEndId`), the amount, the booking date (`BookgDt`) and the bank's reference
(`AcctSvcrRef`); a return is a transaction with return information (`RtrInf`, whose
`Rsn/Cd` is the reason) or an entry with the reversal indicator set.

Pure: the bytes come from an upload or a file (`infra.payments.files.read_statement`).
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from domain.payments.errors import PaymentError

if TYPE_CHECKING:
    from _csv import Reader

INVALID_STATEMENT = "invalid_statement"
FACT_IN_FUTURE = "fact_in_future"
CSV_COLUMNS = ("date", "end_to_end_id", "amount", "status", "bank_reference", "reason")


class BankOutcome(StrEnum):
    PAID = "paid"
    RETURNED = "returned"


class StatementLine(BaseModel):
    """One transfer as the bank reports it; `line` is where it is in the file."""

    model_config = ConfigDict(frozen=True)

    line: int
    booked_on: date
    end_to_end_id: str
    amount: int
    """In cents."""
    outcome: BankOutcome
    bank_reference: str
    reason: str | None = None


def parse_statement(data: bytes, name: str) -> list[StatementLine]:
    """The lines of a statement's bytes (an uploaded file, say): camt.053 if XML, else CSV.

    Raises:
        PaymentError: `invalid_statement`, naming `name` and the line at fault.
    """
    if data.lstrip().startswith(b"<"):
        return parse_camt053(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PaymentError(INVALID_STATEMENT, f"{name}: not UTF-8 text") from None
    return parse_csv(text, name)


def parse_csv(text: str, name: str) -> list[StatementLine]:
    """The lines of a statement in the CSV format (see the module's docstring).

    Raises:
        PaymentError: `invalid_statement`, also for what the csv module cannot read (a
            field longer than its limit of 128 KiB, a NUL), with the line it reached.
    """
    reader = csv.reader(_lines(text))
    try:
        return _csv_lines(reader, name)
    except csv.Error as err:
        raise _bad(name, reader.line_num, f"not readable as CSV ({err})") from None


def _csv_lines(reader: Reader, name: str) -> list[StatementLine]:
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != CSV_COLUMNS:
        raise PaymentError(
            INVALID_STATEMENT, f"{name}, line 1: the header must be {','.join(CSV_COLUMNS)}"
        )
    lines: list[StatementLine] = []
    for row in reader:
        number = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(CSV_COLUMNS):
            raise _bad(name, number, f"{len(row)} columns where {len(CSV_COLUMNS)} belong")
        day, e2e, amount, status, reference, reason = (cell.strip() for cell in row)
        try:
            outcome = BankOutcome(status.lower())
        except ValueError:
            raise _bad(name, number, f"status {status!r} is neither paid nor returned") from None
        if not e2e or not reference:
            raise _bad(name, number, "end_to_end_id and bank_reference are required")
        lines.append(
            StatementLine(
                line=number,
                booked_on=_day(day, name, number),
                end_to_end_id=e2e,
                amount=_cents(amount, name, number),
                outcome=outcome,
                bank_reference=reference,
                reason=reason or None,
            )
        )
    return lines


def parse_camt053(data: bytes, name: str) -> list[StatementLine]:
    """The transfers of a camt.053 statement (any version: namespaces are ignored)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as err:
        raise _bad(name, err.position[0], f"not well-formed XML ({err})") from None
    _strip_namespaces(root)
    lines: list[StatementLine] = []
    for number, ntry in enumerate(root.iter("Ntry"), start=1):
        reversal = (ntry.findtext("RvslInd") or "").strip().lower() == "true"
        booked = ntry.findtext("BookgDt/Dt") or (ntry.findtext("BookgDt/DtTm") or "")[:10]
        entry_reference = ntry.findtext("AcctSvcrRef") or ntry.findtext("NtryRef") or ""
        details = ntry.findall("NtryDtls/TxDtls")
        for tx in details:
            e2e = (tx.findtext("Refs/EndToEndId") or "").strip()
            if not e2e or e2e == "NOTPROVIDED":
                raise _bad(name, number, "a transaction without its end-to-end id", "entry")
            amount = (
                tx.findtext("AmtDtls/TxAmt/Amt")
                or tx.findtext("Amt")
                or (ntry.findtext("Amt") if len(details) == 1 else None)
            )
            if amount is None:
                raise _bad(name, number, f"no amount for {e2e}", "entry")
            returned = reversal or tx.find("RtrInf") is not None
            reason = tx.findtext("RtrInf/Rsn/Cd") or tx.findtext("RtrInf/Rsn/Prtry")
            reference = tx.findtext("Refs/AcctSvcrRef") or entry_reference
            if not reference:
                raise _bad(name, number, f"no bank reference for {e2e}", "entry")
            lines.append(
                StatementLine(
                    line=number,
                    booked_on=_day(booked, name, number, "entry"),
                    end_to_end_id=e2e,
                    amount=_cents(amount.strip(), name, number, "entry"),
                    outcome=BankOutcome.RETURNED if returned else BankOutcome.PAID,
                    bank_reference=reference.strip(),
                    reason=reason.strip() if reason else None,
                )
            )
    return lines


def check_booked_by(lines: Sequence[StatementLine], today: date) -> None:
    """Refuse a statement that books a transfer after `today` (an Italian day): a bank
    reports what it did, so such a line is a wrong file or a wrong date, and the whole
    statement is refused before anything is settled.

    Raises:
        PaymentError: `fact_in_future`, naming the first such line and its date.
    """
    for line in lines:
        if line.booked_on > today:
            raise PaymentError(
                FACT_IN_FUTURE,
                f"line {line.line}: booked on {line.booked_on.isoformat()}, after today"
                f" ({today.isoformat()}); nothing was changed",
                "statement",
            )


def _lines(text: str) -> list[str]:
    """`text`'s lines, each with its newline, split at `\\n` only (as `io.StringIO` does)."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _strip_namespaces(root: ET.Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]


def _bad(name: str, number: int, message: str, unit: str = "line") -> PaymentError:
    return PaymentError(INVALID_STATEMENT, f"{name}, {unit} {number}: {message}")


def _day(text: str, name: str, number: int, unit: str = "line") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _bad(name, number, f"date {text!r} is not YYYY-MM-DD", unit) from None


def _cents(text: str, name: str, number: int, unit: str = "line") -> int:
    try:
        euros = Decimal(text)
    except InvalidOperation:
        raise _bad(name, number, f"amount {text!r} is not a number of euros", unit) from None
    if not euros.is_finite() or euros <= 0 or euros != euros.quantize(Decimal("0.01")):
        raise _bad(name, number, f"amount {text!r} is not a positive sum in cents", unit)
    return int(euros * 100)
