"""What a spreadsheet would run, told apart from what it would show: the tests' own oracle.

Written apart from `infra.spreadsheets`, so that the tests do not ask the writer whether
the writer is right. Excel, LibreOffice and Google Sheets take a cell for a formula when
its text begins with `=`, `+`, `-` or `@` (or their full-width forms, which an Asian
keyboard types), also after spaces or characters that do not show; a single quote in
front makes it text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

TRIGGERS = "=+-@"


def runs_as_formula(text: str) -> bool:
    """True when a spreadsheet could evaluate `text`: a trigger after anything invisible."""
    if text[:1] in ("\t", "\r"):
        return True
    for char in text:
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        return unicodedata.normalize("NFKC", char)[:1] in TRIGGERS
    return False


def csv_cells(text: str) -> list[str]:
    """Every cell of a CSV text, row after row."""
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def xlsx_cells(data: bytes) -> Iterator[Cell]:
    """Every written cell of every sheet of an XLSX workbook."""
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from (cell for cell in row if cell.value is not None)


def assert_inert_csv(text: str, *hostile: str) -> None:
    """No cell of `text` runs, and each hostile value is there, behind a single quote."""
    cells = csv_cells(text)
    running = [c for c in cells if runs_as_formula(c)]
    assert not running, running
    for value in hostile:
        assert "'" + value in cells, (value, cells)


def assert_inert_xlsx(data: bytes, *hostile: str) -> None:
    """No cell of `data` is a formula, and each hostile value is there as text typed."""
    cells = list(xlsx_cells(data))
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    unmarked = [c for c in cells if isinstance(c.value, str) and runs_as_formula(c.value)]
    assert [c.coordinate for c in unmarked if not c.quotePrefix] == [], unmarked
    for value in hostile:
        found = [c for c in cells if c.value == value]
        assert found, (value, [c.value for c in cells])
        assert all(c.data_type == "s" and c.quotePrefix for c in found), value
