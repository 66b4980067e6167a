"""The expenditure report: subtotals per budget line and a total that balance to the cent."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from domain.payments.ledger import PaymentKind
from infra.payments.model import LedgerRow, LedgerStatus
from tests.eventstore.ledger_builders import entry
from tests.payments.builders import row_of
from web.reports.expenditure_report import report_csv, report_xlsx

START, END = date(2025, 3, 1), date(2025, 3, 31)
BATCHED = datetime(2025, 3, 4, 10, tzinfo=UTC)


def paid(row: LedgerRow, reference: str) -> tuple[LedgerRow, datetime | None]:
    return (
        row.model_copy(
            update={
                "status": LedgerStatus.PAID,
                "batch_id": "b-1",
                "paid_on": date(2025, 3, 6),
                "bank_reference": reference,
            }
        ),
        BATCHED,
    )


ROWS = [
    paid(
        row_of(entry("pw-1", 600_00, kind=PaymentKind.WORK_GRANT_ALLOWANCE, period="2025-02")), "R1"
    ),
    paid(
        row_of(entry("pw-2", 410_33, kind=PaymentKind.WORK_GRANT_ALLOWANCE, period="2025-02")), "R2"
    ),
    paid(row_of(entry("pw-1", 1234_56)), "R3"),
    paid(row_of(entry("pw-3", 1, kind=PaymentKind.UTILITIES)), "R4"),
]
TOTAL = 600_00 + 410_33 + 1234_56 + 1


def cents(text: str) -> int:
    whole, part = text.split(".")
    return int(whole) * 100 + int(part)


def test_the_csv_lists_every_payment_with_subtotals_and_a_total() -> None:
    table = list(csv.DictReader(io.StringIO(report_csv(ROWS, START, END).decode())))

    payments = [r for r in table if r["row_type"] == "payment"]
    subtotals = {
        r["budget_line"]: cents(r["amount_eur"]) for r in table if r["row_type"] == "subtotal"
    }
    (total,) = [r for r in table if r["row_type"] == "total"]
    assert len(payments) == 4
    assert subtotals == {
        "wp1_work.work_grant_allowance": 1010_33,
        "wp2_housing.furniture": 1234_56,
        "wp2_housing.utilities": 1,
    }
    assert cents(total["amount_eur"]) == sum(cents(p["amount_eur"]) for p in payments) == TOTAL
    first = payments[0]
    assert first["requested_by"] == "cw-1" and first["approved_by"] == "sv-1"
    assert first["evidence_ref"].startswith("doc-") and first["bank_reference"] == "R1"
    assert first["batch_id"] == "b-1" and first["paid_on"] == "2025-03-06"


def test_the_xlsx_opens_and_its_totals_equal_the_csv() -> None:
    book = load_workbook(io.BytesIO(report_xlsx(ROWS, START, END)))
    table = list(csv.DictReader(io.StringIO(report_csv(ROWS, START, END).decode())))
    csv_subtotals = {
        r["budget_line"]: cents(r["amount_eur"]) for r in table if r["row_type"] == "subtotal"
    }

    assert book.sheetnames == ["summary", *sorted(csv_subtotals)]
    summary = list(book["summary"].iter_rows(min_row=3, values_only=True))
    by_line = {line: round(amount * 100) for line, _, amount in summary[:-1]}
    assert by_line == csv_subtotals
    assert summary[-1][0] == "total" and round(summary[-1][2] * 100) == TOTAL
    for line, subtotal in csv_subtotals.items():
        rows = list(book[line].iter_rows(min_row=2, values_only=True))
        amounts = [round(r[4] * 100) for r in rows[:-1]]
        assert rows[-1][0] == "subtotal" and round(rows[-1][4] * 100) == subtotal == sum(amounts)
        assert book[line].cell(2, 5).number_format.endswith('"€"')
