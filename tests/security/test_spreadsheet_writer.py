"""The spreadsheet writer, over any text: no cell of its output runs, nothing else changes.

`infra.spreadsheets` writes every CSV and XLSX of the project; these properties hold for
whatever a field may hold (hypothesis draws the text, the numbers and the shape), checked
against the tests' own idea of a formula (`spreadsheet_checks.runs_as_formula`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from infra.spreadsheets import Cell, Sheet, Styled, csv_text, xlsx_bytes
from tests.security.spreadsheet_checks import runs_as_formula, xlsx_cells

TRIGGERS = st.sampled_from(["=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r"])
INVISIBLE = st.text(st.sampled_from([" ", "\n", "\u200b", "\ufeff", "\u3000", "\x01"]), max_size=2)
FORMULA_LIKE = st.builds(
    lambda lead, trigger, rest: lead + trigger + rest, INVISIBLE, TRIGGERS, st.text()
)
TEXT = st.one_of(st.text(), FORMULA_LIKE)
NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False),
    st.decimals(-(10**9), 10**9, places=2, allow_nan=False, allow_infinity=False),
)
CELLS = st.one_of(TEXT, NUMBERS, st.none())
ROWS = st.lists(st.lists(CELLS, max_size=6), max_size=6)


@given(ROWS)
def test_no_csv_cell_runs_and_each_is_what_was_written_but_the_mark(
    rows: list[list[Cell]],
) -> None:
    written = list(csv.reader(io.StringIO(csv_text(rows))))

    assert len(written) == len(rows)
    for row, cells in zip(rows, written, strict=True):
        assert len(cells) == len(row)
        for value, cell in zip(row, cells, strict=True):
            if isinstance(value, str):
                assert not runs_as_formula(cell), (value, cell)
                assert cell == ("'" + value if runs_as_formula(value) else value)
            else:
                assert cell == ("" if value is None else str(value))


def test_a_number_stays_a_number_and_a_text_that_looks_like_one_is_marked() -> None:
    text = csv_text([[-5, Decimal("-12.50"), -0.5, "-1+1", "-5"]])

    assert text == '-5,-12.50,-0.5,"\'-1+1","\'-5"\n'


XML_CANNOT_CARRY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def as_read_back(text: str) -> str | None:
    """What a text cell reads back as: XML turns line ends into `\\n`, and drops ''."""
    carried = XML_CANNOT_CARRY.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")
    return carried or None


@settings(max_examples=40, deadline=None)
@given(st.lists(ROWS, min_size=1, max_size=3))
@example([[["=1+1", "@A1", "-1", -1, "\r=1"]]])
def test_no_xlsx_cell_is_a_formula_and_each_text_is_kept_as_typed(
    sheets: list[list[list[Cell]]],
) -> None:
    data = xlsx_bytes([Sheet(f"s{n}", rows) for n, rows in enumerate(sheets)])

    cells = {(c.parent.title, c.row, c.column): c for c in xlsx_cells(data)}
    assert [c.coordinate for c in cells.values() if c.data_type == "f"] == []
    for n, rows in enumerate(sheets):
        for r, row in enumerate(rows, start=1):
            for k, value in enumerate(row, start=1):
                cell = cells.get((f"s{n}", r, k))
                shown = None if cell is None else cell.value
                if isinstance(value, str):
                    assert shown == as_read_back(value)
                    if cell is not None:
                        assert cell.data_type == "s"
                        assert cell.quotePrefix == runs_as_formula(value), value
                elif value is None:
                    assert shown is None
                else:
                    assert shown == pytest.approx(float(value))


def test_styles_and_frozen_rows_are_kept() -> None:
    rows: Sequence[Sequence[Cell | Styled]] = [
        [Styled("=header", bold=True)],
        [Styled(12.5, number_format='#,##0.00 "€"')],
    ]
    data = xlsx_bytes([Sheet("one", rows, frozen_rows=1)])

    header, amount = xlsx_cells(data)
    assert (header.value, header.data_type, header.quotePrefix) == ("=header", "s", True)
    assert header.font.b
    assert (amount.value, amount.number_format) == (12.5, '#,##0.00 "€"')
    assert header.parent.freeze_panes == "A2"
