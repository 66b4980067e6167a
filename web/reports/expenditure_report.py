"""The expenditure report (rendicontazione): every payment per budget line, with its evidence.

For the funder: who asked for each payment, who approved it and when, what proves it, in
which bank batch it left and under which bank reference it arrived; subtotals per line
and a grand total that balance to the cent with the ledger. CSV for machines, XLSX (one
sheet per line and a summary) for people. The `documents` column lists the documents
attached to each payment (kind, id, sha256: never the file's name, which may name the person),
as a FAMI audit asks; `documents_by_payment` reads them from the pathways' events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from domain.documents.commands import TargetKind
from domain.documents.events import DocumentAttached
from domain.evolution import fold
from domain.stream import stream_id_for
from infra.eventstore.base import EventRecorder
from infra.payments.model import LedgerRow
from infra.spreadsheets import Cell, Sheet, Styled, csv_text, xlsx_bytes

HEADER = (
    "row_type",
    "budget_line",
    "entry_id",
    "pathway_id",
    "kind",
    "period",
    "amount_eur",
    "payee",
    "evidence_ref",
    "requested_by",
    "approved_by",
    "approved_at",
    "status",
    "batch_id",
    "batch_created_at",
    "paid_on",
    "bank_reference",
    "documents",
)
EURO_FORMAT = '#,##0.00 "€"'


def euros(cents: int) -> str:
    """`12345` → `123.45`: the report's amounts, exact."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def amount_eur(cents: int) -> Decimal:
    """`12345` → `Decimal('123.45')`: an amount as a number, exact, for the spreadsheets."""
    return Decimal(cents).scaleb(-2)


Documents = Mapping[str, Sequence[DocumentAttached]]
"""The documents attached to each payment, by payment id."""


async def documents_by_payment(
    store: EventRecorder, rows: Sequence[tuple[LedgerRow, datetime | None]]
) -> dict[str, list[DocumentAttached]]:
    """The documents attached to the rows' payments, read from their pathways' events."""
    found: dict[str, list[DocumentAttached]] = {}
    for pathway_id in sorted({row.entry.pathway_id for row, _ in rows}):
        state = fold(await store.read_stream(stream_id_for(pathway_id)))
        for document in state.documents.values():
            target = document.attached_to
            if target is not None and target.kind == TargetKind.PAYMENT:
                found.setdefault(target.id, []).append(document)
    return found


def _documents_cell(documents: Sequence[DocumentAttached]) -> str:
    return "; ".join(f"{d.kind}:{d.document_id}:sha256={d.sha256}" for d in documents)


def _cells(row: LedgerRow, batch_created_at: datetime | None, documents: Documents) -> list[Cell]:
    e = row.entry
    return [
        "payment",
        e.budget_line,
        e.entry_id,
        e.pathway_id,
        e.kind.value,
        e.period,
        amount_eur(e.amount),
        e.payee_name,
        e.evidence_ref,
        e.requested_by,
        " ".join(e.approved_by),
        e.approved_at.isoformat(),
        row.status.value,
        row.batch_id or "",
        batch_created_at.isoformat() if batch_created_at else "",
        row.paid_on.isoformat() if row.paid_on else "",
        row.bank_reference or "",
        _documents_cell(documents.get(e.payment_id, ())),
    ]


def by_line(
    rows: Sequence[tuple[LedgerRow, datetime | None]],
) -> list[tuple[str, list[tuple[LedgerRow, datetime | None]]]]:
    """The rows grouped by budget line, lines in order."""
    ordered = sorted(rows, key=lambda r: (r[0].entry.budget_line, r[0].entry.entry_id))
    return [
        (line, list(group)) for line, group in groupby(ordered, lambda r: r[0].entry.budget_line)
    ]


def report_csv(
    rows: Sequence[tuple[LedgerRow, datetime | None]],
    start: date,
    end: date,
    documents: Documents | None = None,
) -> bytes:
    """The report as CSV: payment rows, a `subtotal` row per line, a `total` row."""
    documents = documents or {}
    table: list[Sequence[Cell]] = [HEADER]
    total = 0
    for line, group in by_line(rows):
        table += [_cells(row, batch_created_at, documents) for row, batch_created_at in group]
        subtotal = sum(r.entry.amount for r, _ in group)
        total += subtotal
        table.append(_summary_cells("subtotal", line, len(group), subtotal))
    table.append(
        _summary_cells("total", f"{start.isoformat()}..{end.isoformat()}", len(rows), total)
    )
    return csv_text(table).encode("utf-8")


def _summary_cells(kind: str, line: str, count: int, cents: int) -> list[Cell]:
    cells: list[Cell] = [""] * len(HEADER)
    cells[0], cells[1], cells[2], cells[6] = kind, line, f"{count} payments", amount_eur(cents)
    return cells


def report_xlsx(
    rows: Sequence[tuple[LedgerRow, datetime | None]],
    start: date,
    end: date,
    documents: Documents | None = None,
) -> bytes:
    """The report as an XLSX workbook: a summary sheet, then one sheet per budget line."""
    documents = documents or {}
    summary: list[Sequence[Cell | Styled]] = [
        [Styled(f"Expenditure {start.isoformat()} to {end.isoformat()}", bold=True)],
        ["budget_line", "payments", "amount_eur"],
    ]
    sheets = []
    for line, group in by_line(rows):
        subtotal = sum(r.entry.amount for r, _ in group)
        summary.append([line, len(group), _euros_shown(subtotal)])
        table: list[Sequence[Cell | Styled]] = [list(HEADER[2:])]
        for row, batch_created_at in group:
            cells: list[Cell | Styled] = list(_cells(row, batch_created_at, documents)[2:])
            cells[4] = _euros_shown(row.entry.amount)
            table.append(cells)
        count = f"{len(group)} payments"
        table.append([Styled("subtotal", bold=True), count, "", "", _euros_shown(subtotal)])
        sheets.append(Sheet(line[:31], table))
    total = sum(r.entry.amount for r, _ in rows)
    summary.append([Styled("total", bold=True), len(rows), _euros_shown(total)])
    return xlsx_bytes([Sheet("summary", summary), *sheets])


def _euros_shown(cents: int) -> Styled:
    """An amount as a number of euros, shown with the euro sign."""
    return Styled(cents / 100, number_format=EURO_FORMAT)
