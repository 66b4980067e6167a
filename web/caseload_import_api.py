"""The caseload import over the API, `/api/v1/imports/caseload/...` (docs/import.md, "Over
the API"): the same reading of the file (`client.imports`), the same dry run and
application (`web.bulk_operations`) as `/team/import` and `pathways caseload import`.

- `POST /api/v1/imports/caseload` (multipart: `file`, `organisation_id`) reads
  the file and starts its dry run; a file that cannot be imported is refused whole with
  its code (422) and nothing starts.
- `GET /api/v1/imports/caseload/{operation_id}`: a dry run's report (every problem by row
  and column) or an application's progress and results.
- `POST /api/v1/imports/caseload/{operation_id}/apply`: opens the dry run's valid rows,
  each once; applying again answers the same application.

Who: supervisors (their organisation) and the coordinator, as the page; another role is
403, another organisation's import or organisation 404. The attendance sheets' import sits
beside it under `/api/v1/imports/`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from pydantic import BaseModel

from client.imports import ImportFileError, read_caseload
from domain.values import Identifier
from web.auth import CurrentAccount
from web.bulk_operations import apply_dry_run, check_reassigner, operation_in_scope, start_dry_run
from web.dependencies import SettingsDep
from web.organisation_scope import organisations_in_scope
from web.problems import PROBLEM_RESPONSES, ProblemError
from workflows.bulk_models import BulkOperation, BulkStage, ImportCaseload

PREFIX = "/api/v1/imports/caseload"


class ImportProblem(BaseModel):
    """One problem of a row: its number in the file (the header is row 1), the column's
    key (None: the row as a whole), a stable code and a message."""

    row: int | None
    column: str | None
    code: str
    message: str


class CaseloadImport(BaseModel):
    """A caseload import's dry run or application, as far as it has gone.

    A dry run done lists every problem (`problems`) and how many rows would open
    (`would_open`); an application counts the rows `opened`, `refused` (with their codes in
    `problems`) and `failed`. `refusal_code` says why the operation as a whole was refused
    (say an importer who does not work in the organisation); nothing changed then."""

    operation_id: str
    organisation_id: str
    filename: str
    dry_run: bool
    stage: BulkStage
    rows: int
    would_open: int
    opened: int
    refused: int
    failed: int
    problems: list[ImportProblem]
    refusal_code: str | None = None
    refusal_message: str | None = None


def _report(found: BulkOperation) -> CaseloadImport:
    operation = found.operation
    assert isinstance(operation, ImportCaseload)
    problems = [
        ImportProblem(row=r.row, column=p.column, code=p.code, message=p.message)
        for r in found.results
        for p in r.problems
    ] + [
        ImportProblem(row=r.row, column=None, code=r.code or r.outcome, message=r.message or "")
        for r in found.results
        if not r.problems and r.outcome in ("would_refuse", "refused", "failed")
    ]
    return CaseloadImport(
        operation_id=found.operation_id,
        organisation_id=operation.organisation_id,
        filename=operation.filename,
        dry_run=found.dry_run,
        stage=found.stage,
        rows=len(operation.rows),
        would_open=found.count("would_change"),
        opened=found.count("done"),
        refused=found.count("refused"),
        failed=found.count("failed"),
        problems=sorted(problems, key=lambda p: (p.row or 0, p.column or "", p.code)),
        refusal_code=found.refusal_code,
        refusal_message=found.refusal_message,
    )


async def _import_in_scope(
    request: Request, account: CurrentAccount, operation_id: str
) -> CaseloadImport:
    found = await operation_in_scope(request, account, operation_id)
    if found.operation.kind != "import_caseload":
        raise ProblemError("not_found", "no such caseload import", status=404)
    return _report(found)


def build_caseload_import_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, responses=PROBLEM_RESPONSES, tags=["imports"])

    @router.post(
        "",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=CaseloadImport,
        summary="Check a caseload's file: start its dry run",
    )
    async def dry_run(
        request: Request,
        settings: SettingsDep,
        account: CurrentAccount,
        file: Annotated[UploadFile, File(description="The filled template, XLSX or CSV")],
        organisation_id: Annotated[Identifier, Form(description="Where the pathways open")],
    ) -> CaseloadImport:
        """Read the file and start its dry run, which checks every row and creates nothing;
        the answer is the report so far (`stage` `done` once checked: poll its GET).

        A file refused whole starts nothing: `file_too_large`, `not_a_spreadsheet`,
        `wrong_headers`, `too_many_rows`, `empty_file` (422). Another role: `forbidden`
        (403); an organisation outside your scope: `not_found` (404)."""
        check_reassigner(account)
        await organisations_in_scope(request, account, organisation_id)
        try:
            operation = read_caseload(
                await file.read(settings.import_max_bytes + 1),
                file.filename or "import",
                organisation_id,
                max_rows=settings.import_max_rows,
                max_bytes=settings.import_max_bytes,
            )
        except ImportFileError as refused:
            raise ProblemError(refused.code, refused.message, refused.field, status=422) from None
        started = await start_dry_run(request, account, operation)
        return await _import_in_scope(request, account, started)

    @router.get(
        "/{operation_id}", response_model=CaseloadImport, summary="A caseload import's report"
    )
    async def report(
        request: Request, operation_id: Identifier, account: CurrentAccount
    ) -> CaseloadImport:
        """A dry run's report (each row's problems by column) or an application's progress
        and results. `not_found` (404) for an import outside your scope."""
        check_reassigner(account)
        return await _import_in_scope(request, account, operation_id)

    @router.post(
        "/{operation_id}/apply",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=CaseloadImport,
        summary="Apply a caseload import's dry run",
    )
    async def apply(
        request: Request, operation_id: Identifier, account: CurrentAccount
    ) -> CaseloadImport:
        """Open the dry run's valid rows, each once, as a durable bulk operation; the answer
        is the application's progress (poll its GET with the `operation_id` answered).
        Applying again answers the same application. A dry run not done or refused is
        refused with its code (409); `not_found` (404) outside your scope."""
        check_reassigner(account)
        await _import_in_scope(request, account, operation_id)
        started = await apply_dry_run(request, account, operation_id)
        return await _import_in_scope(request, account, started)

    return router
