"""A spreadsheet's rows as an import reads them, what is wrong with one, and the refusals of a
whole file.

A row is its number as the spreadsheet shows it (the header is row 1) and its cells by
column key, as text: the reader turns dates and numbers into text, so every rule below
reads one kind of value, and a formula is its text, never its result.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date

from pydantic import Field

from domain.errors import DomainError
from domain.values import Frozen

MISSING_FIELD = "missing_field"
INVALID_DATE = "invalid_date"
INVALID_NUMBER = "invalid_number"
INVALID_VALUE = "invalid_value"
UNKNOWN_VALUE = "unknown_value"
DUPLICATE_IN_FILE = "duplicate_in_file"

_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")


class ImportRow(Frozen):
    """One row of a file: its number in the spreadsheet and its cells by column key."""

    number: int = Field(ge=1)
    cells: dict[str, str]

    def cell(self, key: str) -> str:
        """The cell of column `key`, stripped; empty when absent."""
        return self.cells.get(key, "").strip()


class RowProblem(Frozen):
    """What is wrong with one cell of a row (`column` None: with the row as a whole)."""

    column: str | None = None
    code: str
    message: str


class ImportFileError(DomainError):
    """A file that cannot be imported at all: nothing of it is looked at further.

    Codes: `not_a_spreadsheet`, `file_too_large`, `wrong_headers`, `too_many_rows`,
    `empty_file`.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.code = code


def file_digest(data: bytes) -> str:
    """SHA-256 of the file's bytes: the same file, the same rows' ids."""
    return hashlib.sha256(data).hexdigest()


def row_key(digest: str, number: int, prefix: str) -> str:
    """An id made of the file's digest and a row's number: the same on every run."""
    return prefix + hashlib.sha256(f"{digest}/{number}".encode()).hexdigest()[:40]


def day_text(text: str) -> str | None:
    """`text` (`2026-03-01` or `01/03/2026`, Italian order) as an ISO day; None if neither."""
    if (iso := _ISO_DAY.match(text)) is not None:
        year, month, day = iso.groups()
    elif (italian := _DAY_MONTH_YEAR.match(text)) is not None:
        day, month, year = italian.groups()
    else:
        return None
    candidate = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    try:
        date.fromisoformat(candidate)
    except ValueError:
        return None
    return candidate
