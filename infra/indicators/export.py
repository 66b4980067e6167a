"""The indicator table as cells, CSV and XLSX: one list of cells, so both show the same numbers.

Small cells are suppressed (`domain.indicators.suppress`): a count of fewer people than the
threshold is left blank, and so is a rate or mean whose denominator is such a count, or a
rate whose numerator or complement is (it would tell who the others are). Blank cells are
explained by a note under the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from infra.indicators.queries import Row
from infra.spreadsheets import Cell, Sheet, Styled, csv_text, xlsx_bytes

FIGURES = ("value", "numerator", "denominator")

SUPPRESSION_NOTE = (
    "Blank figures are suppressed: fewer than {threshold} people in the cell "
    "(or, for a rate, among those counted or not counted)."
)


def table_cells(
    rows: Sequence[Row], by: Sequence[str], threshold: int
) -> tuple[list[str], list[list[Cell]], int]:
    """Header, the rows' cells after suppression, and how many figures were suppressed."""
    from domain.indicators import suppress

    header = [
        *by,
        "indicator",
        "work_package",
        "label",
        "kind",
        "value",
        "numerator",
        "denominator",
    ]
    out: list[list[Cell]] = []
    suppressed = 0
    for row in rows:
        cell = dict(row.cell)
        dims: list[Cell] = [cell.get(d) for d in by]
        package = row.indicator.work_package
        head: list[Cell] = [
            *dims,
            row.indicator_id,
            None if package is None else str(getattr(package, "value", package)),
            row.indicator.label,
            row.indicator.kind,
        ]
        if row.denominator is None:
            shown = suppress(row.numerator_pathways, threshold) is not None
            figures: list[Cell] = [row.numerator, row.numerator, None] if shown else [None] * 3
        else:
            people = row.denominator_pathways or 0
            hidden = suppress(people, threshold) is None or (
                row.indicator.kind == "rate"
                and (
                    suppress(row.numerator_pathways, threshold) is None
                    or suppress(people - row.numerator_pathways, threshold) is None
                )
            )
            value = None if row.value is None else round(row.value, 4)
            figures = [None] * 3 if hidden else [value, row.numerator, row.denominator]
            shown = not hidden
        suppressed += not shown
        out.append([*head, *figures])
    return header, out, suppressed


def notes(as_of: datetime, threshold: int, suppressed: int) -> list[str]:
    """The lines under the table: what it is as of, and why cells are blank."""
    lines = [f"As known at {as_of.isoformat()} (recording time)."]
    if suppressed:
        lines.append(SUPPRESSION_NOTE.format(threshold=threshold))
    return lines


def to_csv(header: list[str], cells: list[list[Cell]], lines: list[str]) -> str:
    """CSV with a header row; the notes follow after an empty row, in the first column."""
    return csv_text([header, *cells, [], *([line] for line in lines)])


def write_xlsx(path: Path, header: list[str], cells: list[list[Cell]], lines: list[str]) -> None:
    """The same table as one worksheet, numbers as numbers, notes after an empty row."""
    bold: list[Cell | Styled] = [Styled(title, bold=True) for title in header]
    rows: list[Sequence[Cell | Styled]] = [bold, *cells, [], *([line] for line in lines)]
    path.write_bytes(xlsx_bytes([Sheet("Indicators", rows, frozen_rows=1)]))


def to_text(header: list[str], cells: list[list[Cell]], lines: list[str]) -> str:
    """A plain table for the terminal (label and work package left out for width)."""
    keep = [i for i, h in enumerate(header) if h not in {"label", "work_package"}]
    table = [[header[i] for i in keep]] + [
        ["–" if row[i] is None else _fmt(row[i]) for i in keep] for row in cells
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(keep))]
    text = "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in table)
    return text + "\n\n" + "\n".join(lines)


def _fmt(value: Cell) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)
