"""`/team/import`: an existing caseload brought in from a spreadsheet (docs/import.md).

For those who run bulk operations (supervisors, the coordinator): the template to download
(`/team/import/template.xlsx`, `.csv`), then the file, read and refused whole when it
cannot be imported (`client.imports`), else the dry run of an `ImportCaseload`
started and shown on the bulk operation's page (`/team/bulk/<id>`), each row's problems by
column; its problems as a CSV (`/team/bulk/<id>/problems.csv`); applying it is the bulk
operation's "Apply". `pathways caseload import-template` and `import` are the CLI's twins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from client.imports import ImportFileError, read_caseload
from infra.accounts.model import Account
from web.bulk_operations import check_bulk_reader, check_reassigner, operation_in_scope
from web.dependencies import SettingsDep
from web.organisation_scope import organisations_in_scope
from web.pages.caseload_bulk import BULK_PATH, start_dry_run
from web.pages.render import render
from web.pages.routing import PageAccount, page_router
from web.problems import ProblemError
from web.reports.import_files import problems_csv, template_csv, template_xlsx
from web.settings import WebSettings

IMPORT_PATH = "/team/import"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _form(
    request: Request,
    account: Account,
    wanted: str | None,
    status_code: int = 200,
    refusal: ImportFileError | None = None,
) -> Response:
    organisations, chosen = await organisations_in_scope(request, account, wanted)
    chosen = chosen if chosen is not None else (organisations[0].id if organisations else None)
    return render(
        request,
        "caseload_import.html",
        status_code=status_code,
        organisations=organisations,
        organisation_id=chosen,
        refusal=refusal,
    )


Read = TypeVar("Read")


async def read_upload(
    form: Any,
    settings: WebSettings,
    organisation_id: str,
    read: Callable[..., Read],
) -> Read:
    """The operation `read` makes of the form's uploaded `file` (`client.imports`), bounded
    by the settings' import limits.

    Raises:
        ImportFileError: no file chosen (`missing_field`), or the reader's refusal.
    """
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ImportFileError("missing_field", "choose a file", field="file")
    return read(
        await upload.read(settings.import_max_bytes + 1),
        upload.filename,
        organisation_id,
        max_rows=settings.import_max_rows,
        max_bytes=settings.import_max_bytes,
    )


def download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def build_caseload_import_router() -> APIRouter:
    router = page_router()

    @router.get(IMPORT_PATH)
    async def import_form(request: Request, account: PageAccount) -> Response:
        """The form: the organisation, the file, and the templates to fill in."""
        check_reassigner(account)
        return await _form(request, account, request.query_params.get("organisation"))

    @router.get(IMPORT_PATH + "/template.{extension}")
    async def template(extension: str, account: PageAccount) -> Response:
        """The template: XLSX with its instructions, or CSV."""
        check_reassigner(account)
        if extension == "xlsx":
            return download(template_xlsx(), XLSX_TYPE, "modello-percorsi.xlsx")
        if extension == "csv":
            return download(template_csv().encode(), "text/csv", "modello-percorsi.csv")
        raise ProblemError("not_found", "no such template", status=404)

    @router.post(IMPORT_PATH)
    async def import_file(
        request: Request, account: PageAccount, settings: SettingsDep
    ) -> Response:
        """Read the file and start its dry run; a file that cannot be imported is shown
        refused with its code, and nothing starts."""
        check_reassigner(account)
        form = await request.form()
        wanted = form.get("organisation")
        organisation = wanted.strip() if isinstance(wanted, str) else ""
        _, chosen = await organisations_in_scope(request, account, organisation)
        try:
            operation = await read_upload(form, settings, chosen or organisation, read_caseload)
        except ImportFileError as refused:
            return await _form(request, account, organisation, 422, refusal=refused)
        return await start_dry_run(request, account, operation)

    @router.get(BULK_PATH + "/{operation_id}/problems.csv")
    async def problems(request: Request, operation_id: str, account: PageAccount) -> Response:
        """An import's dry run's problems, one line each, by row and column."""
        check_bulk_reader(account)
        found = await operation_in_scope(request, account, operation_id)
        if found.operation.kind not in ("import_caseload", "import_attendance"):
            raise ProblemError("not_found", "no such import", status=404)
        return download(
            problems_csv(found.results).encode(), "text/csv", f"problemi-{operation_id}.csv"
        )

    return router


__all__ = [
    "IMPORT_PATH",
    "XLSX_TYPE",
    "build_caseload_import_router",
    "download",
    "read_upload",
]
