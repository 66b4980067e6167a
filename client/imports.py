"""A file made into the import the CLI, the pages and the API start (docs/import.md): one
reading, one set of refusals, whichever entry point.

`read_caseload` (an existing caseload) and `read_attendance` (a monthly attendance sheet)
read the file's rows by their columns (`infra.spreadsheet_reading`) and return the
operation whose dry run `BulkOperations.dry_run` starts; a file that cannot be imported at
all is refused here, before any workflow starts, with its code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from domain.imports.attendance import ATTENDANCE_COLUMNS
from domain.imports.caseload import CASELOAD_COLUMNS
from domain.imports.rows import Column, ImportFileError, file_digest
from infra.spreadsheet_reading import read_rows
from workflows.bulk_models import ImportAttendance, ImportCaseload

__all__ = ["ImportFileError", "read_attendance", "read_caseload"]

_Import = TypeVar("_Import", ImportCaseload, ImportAttendance)


def read_caseload(
    data: bytes, filename: str, organisation_id: str, *, max_rows: int, max_bytes: int
) -> ImportCaseload:
    """The import of the caseload file `data` into `organisation_id`.

    Raises:
        ImportFileError: `file_too_large`, `not_a_spreadsheet`, `wrong_headers`,
            `too_many_rows` or `empty_file`; `invalid_command` for an organisation id
            that is none.
    """
    return _read(
        ImportCaseload, CASELOAD_COLUMNS, data, filename, organisation_id, max_rows, max_bytes
    )


def read_attendance(
    data: bytes, filename: str, organisation_id: str, *, max_rows: int, max_bytes: int
) -> ImportAttendance:
    """The import of the monthly attendance sheet `data` of `organisation_id`'s pathways.

    Raises:
        ImportFileError: as `read_caseload`.
    """
    return _read(
        ImportAttendance, ATTENDANCE_COLUMNS, data, filename, organisation_id, max_rows, max_bytes
    )


def _read(
    model: type[_Import],
    columns: Sequence[Column],
    data: bytes,
    filename: str,
    organisation_id: str,
    max_rows: int,
    max_bytes: int,
) -> _Import:
    rows = read_rows(
        data, [(c.key, c.header) for c in columns], max_rows=max_rows, max_bytes=max_bytes
    )
    try:
        return model(
            organisation_id=organisation_id,
            digest=file_digest(data),
            filename=filename[-200:],
            rows=rows,
        )
    except ValueError as err:
        raise ImportFileError("invalid_command", str(err), field="organisation_id") from None
