"""Bank statements: the CSV format and camt.053, read into the same lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.payments.statements import BankOutcome, parse_camt053, parse_csv
from infra.payments.files import read_statement
from infra.payments.model import PaymentError
from tests.payments.builders import camt053

HEADER = "date,end_to_end_id,amount,status,bank_reference,reason\n"


def test_csv_lines_are_read_in_cents_with_their_outcome() -> None:
    lines = parse_csv(
        HEADER
        + "2025-03-06,aaa/1,123.45,paid,BNK-1,\n"
        + "\n"
        + "2025-03-07,bbb/1,600,RETURNED,BNK-2,AC04\n",
        "s.csv",
    )
    assert [
        (s.line, s.booked_on, s.end_to_end_id, s.amount, s.outcome, s.bank_reference, s.reason)
        for s in lines
    ] == [
        (2, date(2025, 3, 6), "aaa/1", 12345, BankOutcome.PAID, "BNK-1", None),
        (4, date(2025, 3, 7), "bbb/1", 60000, BankOutcome.RETURNED, "BNK-2", "AC04"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("2025-03-06,aaa/1,123.456,paid,BNK-1,\n", "s.csv, line 2: amount '123.456'"),
        ("2025-03-06,aaa/1,-5.00,paid,BNK-1,\n", "s.csv, line 2: amount '-5.00'"),
        ("2025-03-06,aaa/1,5.00,lost,BNK-1,\n", "s.csv, line 2: status 'lost'"),
        ("06/03/2025,aaa/1,5.00,paid,BNK-1,\n", "s.csv, line 2: date '06/03/2025'"),
        ("2025-03-06,aaa/1,5.00,paid\n", "s.csv, line 2: 4 columns"),
        ("2025-03-06,,5.00,paid,BNK-1,\n", "s.csv, line 2: end_to_end_id and bank_reference"),
    ],
)
def test_a_bad_csv_line_is_refused_with_its_line(body: str, message: str) -> None:
    with pytest.raises(PaymentError) as refused:
        parse_csv(HEADER + body, "s.csv")
    assert refused.value.code == "invalid_statement"
    assert refused.value.detail.startswith(message)


def test_a_csv_without_the_header_is_refused() -> None:
    with pytest.raises(PaymentError, match="line 1: the header must be"):
        parse_csv("2025-03-06,aaa/1,5.00,paid,BNK-1,\n", "s.csv")


def test_camt053_gives_paid_returned_and_reversed_transfers() -> None:
    data = camt053(("aaa/1", "bbb/1", "ccc/2"), ("123.45", "600.00", "99.99"))
    lines = parse_camt053(data, "s.xml")
    assert [
        (s.booked_on, s.end_to_end_id, s.amount, s.outcome, s.bank_reference, s.reason)
        for s in lines
    ] == [
        (date(2025, 3, 6), "aaa/1", 12345, BankOutcome.PAID, "BNK-0001", None),
        (date(2025, 3, 6), "bbb/1", 60000, BankOutcome.RETURNED, "BNK-0002", "AC04"),
        (date(2025, 3, 7), "ccc/2", 9999, BankOutcome.RETURNED, "BNK-0003", None),
    ]


def test_the_file_kind_is_told_by_its_content(tmp_path: Path) -> None:
    xml, csv = tmp_path / "a.dat", tmp_path / "b.dat"
    xml.write_bytes(camt053(("aaa/1", "bbb/1", "ccc/2"), ("1.00", "2.00", "3.00")))
    csv.write_text(HEADER + "2025-03-06,aaa/1,1.00,paid,BNK-1,\n")
    assert len(read_statement(xml)) == 3
    assert len(read_statement(csv)) == 1


def test_malformed_xml_is_refused() -> None:
    with pytest.raises(PaymentError, match=r"s\.xml, line 1: not well-formed XML"):
        parse_camt053(b"<Document><Ntry>", "s.xml")


def test_a_csv_the_csv_module_cannot_read_is_refused_not_crashed() -> None:
    # A field past the csv module's 128 KiB limit raised _csv.Error: a 500 on the page.
    header = "date,end_to_end_id,amount,status,bank_reference,reason\n"
    huge = header + "2026-11-02,E2E-1,10.00,paid,REF-1," + "x" * (200 * 1024) + "\n"
    with pytest.raises(PaymentError) as refused:
        parse_csv(huge, "statement.csv")
    assert refused.value.code == "invalid_statement"
    assert "line 2" in refused.value.detail and "not readable as CSV" in refused.value.detail
