"""The indicator table as cells: one list of cells, so every download shows the same numbers.

Small cells are suppressed (`domain.indicators.disclosure`): a count of fewer people than
the threshold is left blank, and so is a rate or mean whose denominator is such a count, or
a rate whose numerator or complement is (it would tell who the others are). Blank cells are
explained by a note under the table. Pure: the CSV and XLSX files are written from these
cells by `web.reports.indicator_export`, the rows read by `infra.indicators.queries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from domain.indicators.catalogue import Indicator
from domain.indicators.disclosure import suppress

TableCell = str | int | float | Decimal | None
"""A value of the table: text, a number, or nothing (a blank cell)."""


class IndicatorRow(Protocol):
    """One indicator in one cell of the table (`infra.indicators.queries.Row`)."""

    @property
    def indicator(self) -> Indicator: ...
    @property
    def indicator_id(self) -> str: ...
    @property
    def cell(self) -> tuple[tuple[str, str | None], ...]: ...
    @property
    def value(self) -> float | None: ...
    @property
    def numerator(self) -> int: ...
    @property
    def denominator(self) -> int | None: ...
    @property
    def numerator_pathways(self) -> int: ...
    @property
    def denominator_pathways(self) -> int | None: ...


FIGURES = ("value", "numerator", "denominator")

SUPPRESSION_NOTE = (
    "Blank figures are suppressed: fewer than {threshold} people in the cell "
    "(or, for a rate, among those counted or not counted)."
)


def table_cells(
    rows: Sequence[IndicatorRow], by: Sequence[str], threshold: int
) -> tuple[list[str], list[list[TableCell]], int]:
    """Header, the rows' cells after suppression, and how many figures were suppressed."""
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
    out: list[list[TableCell]] = []
    suppressed = 0
    for row in rows:
        cell = dict(row.cell)
        dims: list[TableCell] = [cell.get(d) for d in by]
        package = row.indicator.work_package
        head: list[TableCell] = [
            *dims,
            row.indicator_id,
            None if package is None else str(getattr(package, "value", package)),
            row.indicator.label,
            row.indicator.kind,
        ]
        if row.denominator is None:
            shown = suppress(row.numerator_pathways, threshold) is not None
            figures: list[TableCell] = [row.numerator, row.numerator, None] if shown else [None] * 3
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


def to_text(header: list[str], cells: list[list[TableCell]], lines: list[str]) -> str:
    """A plain table for the terminal (label and work package left out for width)."""
    keep = [i for i, h in enumerate(header) if h not in {"label", "work_package"}]
    table = [[header[i] for i in keep]] + [
        ["–" if row[i] is None else _fmt(row[i]) for i in keep] for row in cells
    ]
    widths = [max(len(r[i]) for r in table) for i in range(len(keep))]
    text = "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in table)
    return text + "\n\n" + "\n".join(lines)


def _fmt(value: TableCell) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)
