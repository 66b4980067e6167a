"""Rows and files of a caseload's import, for the import's tests."""

from __future__ import annotations

from typing import Any

from domain.imports.caseload import CASELOAD_COLUMNS
from domain.imports.rows import ImportRow
from infra.spreadsheets import Cell, Sheet, csv_text, xlsx_bytes

COLUMNS = [(c.key, c.header) for c in CASELOAD_COLUMNS]


def cells(n: int = 1, **changes: str) -> dict[str, str]:
    """A valid row's cells for anna of org-lecce, its document number made of `n`."""
    return {
        "given_name": f"Nome{n}",
        "family_name": "Rossi",
        "birth_date": "12/03/1990",
        "gender": "female",
        "nationality": "ng",
        "document_number": f"AB{n:06d}",
        "protection_status": "refugee",
        "permit_expires_on": "2028-01-31",
        "adults": "1",
        "reception_kind": "sai",
        "resident_since": "2024-05-01",
        "caseworker_id": "anna",
        **changes,
    }


def row(number: int, **changes: str) -> ImportRow:
    return ImportRow(number=number, cells=cells(number, **changes))


def body(rows: list[dict[str, str]]) -> list[list[Cell]]:
    """The file's lines: the Italian headers, then each row in the columns' order."""
    return [[h for _, h in COLUMNS], *([r.get(k, "") for k, _ in COLUMNS] for r in rows)]


def xlsx_of(rows: list[dict[str, str]], **extra: Any) -> bytes:
    return xlsx_bytes([Sheet("Percorsi", body(rows))])


def csv_of(rows: list[dict[str, str]], delimiter: str = ",") -> bytes:
    text = csv_text(body(rows))
    return ("\ufeff" + text.replace('","', f'"{delimiter}"')).encode()
