"""The expenditure report (rendicontazione): every payment per budget line, with its evidence.

For the funder: who asked for each payment, who approved it and when, what proves it, in
which bank batch it left and under which bank reference it arrived; subtotals per line
and a grand total that balance to the cent with the ledger. CSV for machines, XLSX (one
sheet per line and a summary) for people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Font

from infra.payments.model import LedgerRow

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
)
EURO_FORMAT = '#,##0.00 "€"'


def euros(cents: int) -> str:
    """`12345` → `123.45`: the report's amounts, exact."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def _cells(row: LedgerRow, batch_created_at: datetime | None) -> list[str]:
    e = row.entry
    return [
        "payment",
        e.budget_line,
        e.entry_id,
        e.pathway_id,
        e.kind.value,
        e.period,
        euros(e.amount),
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
    ]


def by_line(
    rows: Sequence[tuple[LedgerRow, datetime | None]],
) -> list[tuple[str, list[tuple[LedgerRow, datetime | None]]]]:
    """The rows grouped by budget line, lines in order."""
    ordered = sorted(rows, key=lambda r: (r[0].entry.budget_line, r[0].entry.entry_id))
    return [
        (line, list(group)) for line, group in groupby(ordered, lambda r: r[0].entry.budget_line)
    ]


def report_csv(rows: Sequence[tuple[LedgerRow, datetime | None]], start: date, end: date) -> bytes:
    """The report as CSV: payment rows, a `subtotal` row per line, a `total` row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    total = 0
    for line, group in by_line(rows):
        for row, batch_created_at in group:
            writer.writerow(_cells(row, batch_created_at))
        subtotal = sum(r.entry.amount for r, _ in group)
        total += subtotal
        writer.writerow(_summary_cells("subtotal", line, len(group), subtotal))
    writer.writerow(
        _summary_cells("total", f"{start.isoformat()}..{end.isoformat()}", len(rows), total)
    )
    return out.getvalue().encode("utf-8")


def _summary_cells(kind: str, line: str, count: int, cents: int) -> list[str]:
    cells = [""] * len(HEADER)
    cells[0], cells[1], cells[2], cells[6] = kind, line, f"{count} payments", euros(cents)
    return cells


def report_xlsx(rows: Sequence[tuple[LedgerRow, datetime | None]], start: date, end: date) -> bytes:
    """The report as an XLSX workbook: a summary sheet, then one sheet per budget line."""
    book = Workbook()
    summary = book.active
    summary.title = "summary"
    summary.append([f"Expenditure {start.isoformat()} to {end.isoformat()}"])
    summary["A1"].font = Font(bold=True)
    summary.append(["budget_line", "payments", "amount_eur"])
    total = 0
    grouped = by_line(rows)
    for line, group in grouped:
        subtotal = sum(r.entry.amount for r, _ in group)
        total += subtotal
        summary.append([line, len(group), subtotal / 100])
        summary.cell(summary.max_row, 3).number_format = EURO_FORMAT
        sheet = book.create_sheet(title=line[:31])
        sheet.append(list(HEADER[2:]))
        for row, batch_created_at in group:
            cells: list[object] = list(_cells(row, batch_created_at)[2:])
            cells[4] = row.entry.amount / 100  # a number, shown in euros
            sheet.append(cells)
            sheet.cell(sheet.max_row, 5).number_format = EURO_FORMAT
        sheet.append(["subtotal", f"{len(group)} payments", "", "", subtotal / 100])
        sheet.cell(sheet.max_row, 5).number_format = EURO_FORMAT
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    summary.append(["total", len(rows), total / 100])
    summary.cell(summary.max_row, 3).number_format = EURO_FORMAT
    summary.cell(summary.max_row, 1).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
