"""`/api/v1/imports/attendance`: a monthly attendance sheet, checked then applied, as the pages
and the CLI do (docs/import.md); a caseload's file has its own report
(`web.caseload_import_api`, `/api/v1/imports/caseload`), with its problems flattened.

`POST /api/v1/imports/attendance` (multipart: `file`, `organisation_id`) reads the
file (`client.imports`, the same refusals: `not_a_spreadsheet`, `wrong_headers`,
`too_many_rows`, `empty_file`, 422; `file_too_large`, 413) and starts its dry run (202);
`GET /api/v1/imports/attendance/{id}` answers its progress and every row's problems;
`POST /api/v1/imports/attendance/{id}/apply` applies the valid rows once (202; asked again, the same
application, 200). An attendance sheet is imported by a supervisor (their organisation), the
coordinator or a caseworker (the pathways of their caseload);
anyone else is 403. Another organisation, and an operation of one, is 404, as one that
does not exist.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from pydantic import BaseModel
from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.service import RPCError

from client.bulk import BulkOperations, BulkRefused
from client.imports import ImportFileError, read_attendance
from domain.imports.attendance import ATTENDANCE_IMPORTERS
from domain.values import Role
from infra.accounts.model import Account
from web.auth import CurrentAccount
from web.dependencies import AccountsDep, BulkOperationsDep, SettingsDep
from web.problems import PROBLEM_RESPONSES, ProblemError
from workflows.bulk_models import (
    APPLY_SUFFIX,
    FILE_IMPORTS,
    WORKFLOW_ID_PREFIX,
    BulkStage,
    RowResult,
)

Kind = Literal["attendance"]
IMPORTERS = {"attendance": ATTENDANCE_IMPORTERS}
"""Who imports each kind of file: attendance as case work."""
KIND_OF: dict[str, Kind] = {"import_attendance": "attendance"}
FILE_STATUS = {"file_too_large": 413}
OPERATION_ID = re.compile(rf"{WORKFLOW_ID_PREFIX}[0-9a-f]{{32}}({APPLY_SUFFIX})?")
"""A dry run's id, or its application's: any other is no import (and never reaches Temporal)."""


class ImportStarted(BaseModel):
    operation_id: str
    earlier: bool = False
    """Whether an earlier request had started it (an application asked for again)."""


class ImportReport(BaseModel):
    """A dry run's or an application's progress and rows: each with its problems by column."""

    operation_id: str
    kind: Kind
    organisation_id: str
    filename: str
    dry_run: bool
    stage: BulkStage
    rows: tuple[RowResult, ...]
    refusal_code: str | None = None
    refusal_message: str | None = None


def _check(account: Account, kind: str, organisation_id: str) -> None:
    """403 for a role that does not import `kind`; 404 for an organisation not the account's."""
    if account.role not in IMPORTERS[kind]:
        raise ProblemError("forbidden", f"a {account.role} does not import a {kind}", status=403)
    if account.role != Role.COORDINATOR and organisation_id != account.organisation_id:
        raise ProblemError("not_found", "no such organisation", "organisation_id", status=404)


def _available(operations: BulkOperations | None) -> BulkOperations:
    if operations is None:
        raise ProblemError("unavailable", "imports need the durable engine", status=503)
    return operations


def build_imports_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1/imports", responses=PROBLEM_RESPONSES, tags=["imports"])

    @router.post(
        "/attendance",
        response_model=ImportStarted,
        status_code=status.HTTP_202_ACCEPTED,
        summary="Check a file: start its dry run (nothing is changed)",
    )
    async def check(
        account: CurrentAccount,
        file: Annotated[UploadFile, File()],
        organisation_id: Annotated[str, Form(min_length=1, max_length=64)],
        settings: SettingsDep,
        accounts: AccountsDep,
        operations: BulkOperationsDep,
    ) -> ImportStarted:
        kind: Kind = "attendance"
        _check(account, kind, organisation_id)
        if organisation_id not in {o.id for o in await accounts.list_organisations()}:
            raise ProblemError("not_found", "no such organisation", "organisation_id", status=404)
        try:
            operation = read_attendance(
                await file.read(settings.import_max_bytes + 1),
                file.filename or kind,
                organisation_id,
                max_rows=settings.import_max_rows,
                max_bytes=settings.import_max_bytes,
            )
        except ImportFileError as refused:
            raise ProblemError(
                refused.code, refused.message, refused.field, status=FILE_STATUS.get(refused.code)
            ) from None
        try:
            started = await _available(operations).dry_run(operation, account.actor)
        except (RPCError, RPCTimeoutOrCancelledError):
            raise ProblemError(
                "unavailable", "the workflow service does not answer", status=503
            ) from None
        return ImportStarted(operation_id=started)

    async def _found(
        account: Account, kind: Kind, operation_id: str, operations: BulkOperations | None
    ) -> ImportReport:
        missing = ProblemError("not_found", f"no import {operation_id}", status=404)
        if not OPERATION_ID.fullmatch(operation_id):
            raise missing
        try:
            found = await _available(operations).progress(operation_id)
        except LookupError:
            raise missing from None
        if found is None:
            raise ProblemError("unavailable", "no worker answers now: try again", status=503)
        if (
            not isinstance(found.operation, FILE_IMPORTS)
            or KIND_OF.get(found.operation.kind) != kind
        ):
            raise missing
        _check(account, kind, found.operation.organisation_id)
        return ImportReport(
            operation_id=operation_id,
            kind=kind,
            organisation_id=found.operation.organisation_id,
            filename=found.operation.filename,
            dry_run=found.dry_run,
            stage=found.stage,
            rows=found.results,
            refusal_code=found.refusal_code,
            refusal_message=found.refusal_message,
        )

    @router.get(
        "/attendance/{operation_id}",
        response_model=ImportReport,
        summary="An import's progress, and each row's result with its problems by column",
    )
    async def follow(
        operation_id: str, account: CurrentAccount, operations: BulkOperationsDep
    ) -> ImportReport:
        return await _found(account, "attendance", operation_id, operations)

    @router.post(
        "/attendance/{operation_id}/apply",
        response_model=ImportStarted,
        status_code=status.HTTP_202_ACCEPTED,
        summary="Apply a dry run's valid rows, once (asked again: the same application)",
    )
    async def apply(
        operation_id: str,
        account: CurrentAccount,
        operations: BulkOperationsDep,
        response: Response,
    ) -> ImportStarted:
        await _found(account, "attendance", operation_id, operations)
        try:
            started = await _available(operations).apply(operation_id, account.actor)
        except BulkRefused as refused:
            raise ProblemError(refused.code, refused.message, status=409) from None
        if started.earlier:
            response.status_code = status.HTTP_200_OK
        return ImportStarted(operation_id=started.operation_id, earlier=started.earlier)

    return router
