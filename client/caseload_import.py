"""An existing caseload's file made into the import the CLI and the pages start
(docs/import.md): one reading, one set of refusals, whichever entry point.

`read_caseload` reads the file's rows by the caseload's columns (`infra.spreadsheet_reading`)
and returns the `ImportCaseload` whose dry run `BulkOperations.dry_run` starts; a file that
cannot be imported at all is refused here, before any workflow starts, with its code.
"""

from __future__ import annotations

from domain.imports.caseload import CASELOAD_COLUMNS
from domain.imports.rows import ImportFileError, file_digest
from infra.spreadsheet_reading import read_rows
from workflows.bulk_models import ImportCaseload

__all__ = ["ImportFileError", "read_caseload"]


def read_caseload(
    data: bytes, filename: str, organisation_id: str, *, max_rows: int, max_bytes: int
) -> ImportCaseload:
    """The import of the file `data` into `organisation_id`.

    Raises:
        ImportFileError: `file_too_large`, `not_a_spreadsheet`, `wrong_headers`,
            `too_many_rows` or `empty_file`; `invalid_command` for an organisation id
            that is none.
    """
    rows = read_rows(
        data,
        [(c.key, c.header) for c in CASELOAD_COLUMNS],
        max_rows=max_rows,
        max_bytes=max_bytes,
    )
    try:
        return ImportCaseload(
            organisation_id=organisation_id,
            digest=file_digest(data),
            filename=filename[-200:],
            rows=rows,
        )
    except ValueError as err:
        raise ImportFileError("invalid_command", str(err), field="organisation_id") from None
