"""A spreadsheet's rows as an import reads them, what is wrong with one, and the refusals of a
whole file.

A row is its number as the spreadsheet shows it (the header is row 1) and its cells by
column key, as text: the reader turns dates and numbers into text, so every rule below
reads one kind of value, and a formula is its text, never its result.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
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
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class Column:
    """A column of the file: its key, its Italian header, how a cell becomes a field."""

    key: str
    header: str
    field: tuple[str, ...]
    """Where the value goes in the row's command (a caseload's: the `open_pathway`)."""
    kind: str = "text"
    """`text`, `day`, `number`, or `choice` (one of `choices`)."""
    required: bool = True
    choices: tuple[str, ...] = ()
    hint: str = ""


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


def month_text(text: str) -> str | None:
    """`text` (`2026-03`, `03/2026`, or a day of the month as a spreadsheet's date cell
    reads) as `YYYY-MM`; None if none of these."""
    if (day := day_text(text)) is not None:
        return day[:7]
    if (iso := _ISO_MONTH.match(text)) is not None:
        year, month = iso.groups()
    elif (italian := _MONTH_YEAR.match(text)) is not None:
        month, year = italian.groups()
    else:
        return None
    return f"{int(year):04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None


def whole_number(text: str) -> int | None:
    """`text` as a whole number (`12`, or `12.0` as a spreadsheet's number cell may read)."""
    number = text.removesuffix(".0")
    return int(number) if number.isdigit() else None
