"""`/team/import/attendance`: monthly attendance sheets (work grants, courses) brought in from
a spreadsheet (docs/import.md).

For those who record attendance: a caseworker (for the pathways of their caseload), a
supervisor (their organisation's) and the coordinator (the organisation chosen); never a
partner or an auditor. The template to download (`.../template.xlsx`, `.csv`), then the
file, read and refused whole when it cannot be imported (`client.imports`), else the dry
run of an `ImportAttendance` started and shown on the bulk operation's page
(`/team/bulk/<id>`), each row's problems by column; applying it is that page's "Apply".
`pathways attendance import-template` and `import` are the CLI's twins, `/api/v1/imports/
attendance` the API's.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from client.imports import ImportFileError, read_attendance
from domain.imports.attendance import ATTENDANCE_IMPORTERS
from domain.values import Role
from infra.accounts.model import Account, Organisation
from web.dependencies import SettingsDep
from web.organisation_scope import organisations_in_scope
from web.pages.caseload_bulk import start_dry_run
from web.pages.caseload_import import IMPORT_PATH, XLSX_TYPE, download, read_upload
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router
from web.problems import ProblemError
from web.reports.import_files import ATTENDANCE, template_csv, template_xlsx
from web.scope import FORBIDDEN

ATTENDANCE_PATH = IMPORT_PATH + "/attendance"


def check_attendance_importer(account: Account) -> None:
    """403 unless `account` records attendance (`ATTENDANCE_IMPORTERS`)."""
    if account.role not in ATTENDANCE_IMPORTERS:
        log.warning("access_denied", account_id=account.id, action="attendance.import")
        raise ProblemError(FORBIDDEN, "importing attendance is for case work", status=403)


async def attendance_organisations(
    request: Request, account: Account, wanted: str | None
) -> tuple[list[Organisation], str | None]:
    """The organisations `account` imports attendance into, and the one asked for: a
    caseworker's own only, as a supervisor's (another one is 404, as if none)."""
    if account.role != Role.CASEWORKER:
        return await organisations_in_scope(request, account, wanted)
    every = await organisations_in_scope(request, account, None)
    mine = [o for o in every[0] if o.id == account.organisation_id]
    if wanted not in (None, "", account.organisation_id) or not mine:
        log.warning("access_denied", account_id=account.id, organisation_id=wanted)
        raise ProblemError("not_found", "no such organisation", status=404)
    return mine, mine[0].id


async def _form(
    request: Request,
    account: Account,
    wanted: str | None,
    status_code: int = 200,
    refusal: ImportFileError | None = None,
) -> Response:
    organisations, chosen = await attendance_organisations(request, account, wanted)
    chosen = chosen if chosen is not None else (organisations[0].id if organisations else None)
    return render(
        request,
        "attendance_import.html",
        status_code=status_code,
        organisations=organisations,
        organisation_id=chosen,
        refusal=refusal,
    )


def build_attendance_import_router() -> APIRouter:
    router = page_router()

    @router.get(ATTENDANCE_PATH)
    async def import_form(request: Request, account: PageAccount) -> Response:
        """The form: the organisation, the file, and the templates to fill in."""
        check_attendance_importer(account)
        return await _form(request, account, request.query_params.get("organisation"))

    @router.get(ATTENDANCE_PATH + "/template.{extension}")
    async def template(extension: str, account: PageAccount) -> Response:
        """The template: XLSX with its instructions, or CSV."""
        check_attendance_importer(account)
        name = ATTENDANCE.filename
        if extension == "xlsx":
            return download(template_xlsx(ATTENDANCE), XLSX_TYPE, f"{name}.xlsx")
        if extension == "csv":
            return download(template_csv(ATTENDANCE).encode(), "text/csv", f"{name}.csv")
        raise ProblemError("not_found", "no such template", status=404)

    @router.post(ATTENDANCE_PATH)
    async def import_file(
        request: Request, account: PageAccount, settings: SettingsDep
    ) -> Response:
        """Read the sheet and start its dry run; a file that cannot be imported is shown
        refused with its code, and nothing starts."""
        check_attendance_importer(account)
        form = await request.form()
        wanted = form.get("organisation")
        organisation = wanted.strip() if isinstance(wanted, str) else ""
        _, chosen = await attendance_organisations(request, account, organisation)
        try:
            operation = await read_upload(form, settings, chosen or organisation, read_attendance)
        except ImportFileError as refused:
            return await _form(request, account, organisation, 422, refusal=refused)
        return await start_dry_run(request, account, operation)

    return router


__all__ = ["ATTENDANCE_PATH", "build_attendance_import_router", "check_attendance_importer"]
