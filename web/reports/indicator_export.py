"""The indicator table's downloads in the reader's language: headers, labels and notes.

The cells are `domain.indicators.table.table_cells` (the CLI's and the web's alike, small
cells suppressed); only the words around them are translated here, and the files (`to_csv`,
`write_xlsx`) written from them, so a CSV, an XLSX and
the funder report of one day carry the same numbers in Italian or English. Codes in the
cells (indicator ids, work packages, genders) stay codes: they are what a spreadsheet
filters on. `pathways report --language` uses the same function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from domain.indicators.table import table_cells
from infra.accounts.model import Language
from infra.indicators.queries import Row
from infra.spreadsheets import Cell, Sheet, Styled, csv_text, xlsx_bytes
from web.i18n import N_, translations
from web.reports.indicator_labels import indicator_label

HEADERS: Mapping[str, str] = {
    "organisation_id": N_("Organisation"),
    "gender": N_("Gender"),
    "age_band": N_("Age band"),
    "nationality": N_("Nationality"),
    "protection_status": N_("Protection status"),
    "indicator": N_("Indicator"),
    "work_package": N_("Work package"),
    "label": N_("Description"),
    "kind": N_("Kind"),
    "value": N_("Value"),
    "numerator": N_("Numerator"),
    "denominator": N_("Denominator"),
}

AS_KNOWN_AT = N_("As known at %(instant)s (recording time).")
SUPPRESSED = N_(
    "Blank figures are suppressed: fewer than %(threshold)s people in the cell "
    "(or, for a rate, among those counted or not counted)."
)
ORGANISATION = N_("Organisation: %(organisation)s")
FILTERED = N_("Only the pathways with: %(filters)s")


@dataclass(frozen=True)
class Export:
    """A table ready to write: translated header, the suppressed cells, the notes under it."""

    header: list[str]
    cells: list[list[Cell]]
    lines: list[str]
    suppressed: int


def export_table(
    rows: Sequence[Row],
    by: Sequence[str],
    threshold: int,
    as_of: datetime,
    language: Language,
    *,
    organisation_id: str | None = None,
    filters: Mapping[str, str] | None = None,
) -> Export:
    """The rows as a download in `language`, cells of fewer than `threshold` suppressed."""
    gettext = translations(language).gettext
    codes, cells, suppressed = table_cells(rows, by, threshold)
    label_at = codes.index("label")
    for row, cell in zip(rows, cells, strict=True):
        cell[label_at] = indicator_label(gettext, row.indicator_id, row.indicator.label)
    lines = [gettext(AS_KNOWN_AT) % {"instant": as_of.isoformat(timespec="seconds")}]
    if organisation_id:
        lines.insert(0, gettext(ORGANISATION) % {"organisation": organisation_id})
    if filters:
        chosen = ", ".join(f"{gettext(HEADERS[k])} = {v}" for k, v in filters.items())
        lines.append(gettext(FILTERED) % {"filters": chosen})
    if suppressed:
        lines.append(gettext(SUPPRESSED) % {"threshold": threshold})
    header = [gettext(HEADERS[c]) for c in codes]
    return Export(header, cells, lines, suppressed)


def to_csv(header: list[str], cells: list[list[Cell]], lines: list[str]) -> str:
    """CSV with a header row; the notes follow after an empty row, in the first column."""
    return csv_text([header, *cells, [], *([line] for line in lines)])


def write_xlsx(path: Path, header: list[str], cells: list[list[Cell]], lines: list[str]) -> None:
    """The same table as one worksheet, numbers as numbers, notes after an empty row."""
    bold: list[Cell | Styled] = [Styled(title, bold=True) for title in header]
    rows: list[Sequence[Cell | Styled]] = [bold, *cells, [], *([line] for line in lines)]
    path.write_bytes(xlsx_bytes([Sheet("Indicators", rows, frozen_rows=1)]))
