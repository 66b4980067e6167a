"""The files of an import (docs/import.md): the template to fill in (a caseload's, `CASELOAD`,
or a monthly attendance sheet's, `ATTENDANCE`), and a dry run's problems.

The template has the Italian headers in its first row and the column keys in its second
(what the reader matches, whichever of the two a person keeps), and, in the XLSX, a sheet
of instructions: each column, whether it is needed, and the values it takes. The problems'
CSV lists a dry run's rows that would not be opened, one line a problem, by row and column;
its texts (what a person typed) are neutralised as every export's are
(`infra.spreadsheets`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.imports.attendance import ATTENDANCE_COLUMNS
from domain.imports.caseload import CASELOAD_COLUMNS
from domain.imports.rows import Column
from infra.spreadsheets import Cell, Sheet, Styled, csv_text, xlsx_bytes
from workflows.bulk_models import RowResult

_KINDS = {
    "text": "testo",
    "day": "data: 2026-03-01 oppure 01/03/2026",
    "number": "numero intero",
    "month": "mese: 2026-03 oppure 03/2026",
    "choice": "uno tra: {choices}",
}
INSTRUCTIONS = (
    "Una riga per persona, dalla terza riga in giù (la seconda riga, le chiavi, si può "
    "lasciare o togliere). Prima si carica il file per una prova (nulla viene creato): "
    "la prova elenca ogni problema per riga e colonna. Poi si conferma l'importazione: "
    "si apre un percorso per ogni riga senza problemi; le righe con lo stesso numero di "
    "documento di una riga precedente sono segnalate come doppie e non vengono aperte."
)
ATTENDANCE_INSTRUCTIONS = (
    "Una riga per percorso, misura e mese, dalla terza riga in giù (la seconda riga, le "
    "chiavi, si può lasciare o togliere): le ore di una borsa lavoro (lavorate nel mese, "
    "verificate dal tutor) o di un corso (frequentate nel mese). Prima si carica il file per "
    "una prova (nulla viene registrato): la prova elenca ogni problema per riga e colonna, "
    "con le regole della pagina della misura. Poi si conferma: le ore di ogni riga senza "
    "problemi vengono registrate una volta sola; la stessa misura e lo stesso mese in due "
    "righe sono segnalati come doppi e non registrati."
)
PROBLEM_HEADERS = ("riga", "colonna", "codice", "messaggio")


@dataclass(frozen=True)
class Template:
    """What an import's template holds: its columns, its sheet's name, its instructions,
    and the name it is downloaded under."""

    columns: Sequence[Column]
    sheet: str
    instructions: str
    filename: str


CASELOAD = Template(CASELOAD_COLUMNS, "Percorsi", INSTRUCTIONS, "modello-percorsi")
ATTENDANCE = Template(ATTENDANCE_COLUMNS, "Presenze", ATTENDANCE_INSTRUCTIONS, "modello-presenze")


def template_rows(template: Template = CASELOAD) -> list[list[Cell]]:
    """The template's first two rows: the Italian headers, then the column keys."""
    return [[c.header for c in template.columns], [c.key for c in template.columns]]


def template_csv(template: Template = CASELOAD) -> str:
    return csv_text(template_rows(template))


def template_xlsx(template: Template = CASELOAD) -> bytes:
    """The template workbook: the sheet to fill in and the instructions' sheet."""
    headers, keys = template_rows(template)
    columns = template.columns
    instructions: list[list[Cell | Styled]] = [
        [Styled("Istruzioni", bold=True)],
        [template.instructions],
        [],
        [Styled(h, bold=True) for h in ("Colonna", "Chiave", "Obbligatoria", "Formato", "Note")],
    ]
    instructions += [
        [
            c.header,
            c.key,
            "sì" if c.required else "no",
            _KINDS[c.kind].format(choices=", ".join(c.choices)),
            c.hint,
        ]
        for c in columns
    ]
    return xlsx_bytes(
        [
            Sheet(
                template.sheet,
                [[Styled(h, bold=True) for h in headers], list(keys)],
                frozen_rows=2,
            ),
            Sheet("Istruzioni", instructions),
        ]
    )


def problems_csv(results: Sequence[RowResult]) -> str:
    """A dry run's problems, one line each: row, column, code, message."""
    lines: list[Sequence[Cell]] = [PROBLEM_HEADERS]
    for result in results:
        lines += [(result.row, p.column or "", p.code, p.message) for p in result.problems]
    return csv_text(lines)
