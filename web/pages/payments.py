"""`/payments`: an organisation's money — budget lines, ledger, SEPA batches, statements.

Supervisors see their organisation; the coordinator, the admin and auditors choose one
(auditors read only). The writes are the CLI's own code: a batch is
`PaymentsStore.export` (`pathways payments export`), a statement's import is the
`StatementImportWorkflow` that `pathways payments import-statement` starts too: the page
starts it, waits a little for its result, and shows its progress until it is done
(`/payments/statements/<import id>`). A refusal is shown translated with its code, and
records nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile
from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.service import RPCError

from client.statement_import import StatementImports
from domain.calendar import project_day
from domain.payments.statements import check_booked_by, parse_statement
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.payments.model import LedgerStatus, PaymentError
from web import dependencies
from web.access import page_purpose, record_read
from web.dependencies import SettingsDep, StoreDep
from web.pages.payments_view import (
    REFUSALS,
    Refusal,
    budget_rows,
    money_formatter,
    refusal,
)
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.payments import (
    MANAGING,
    batch_file,
    check_manager,
    check_reader,
    payments_desk,
    payments_scope,
)
from web.problems import ProblemError
from web.reports.expenditure_report import documents_by_payment, report_csv, report_xlsx
from workflows.statement_import_models import StatementImport

PAYMENTS_PATH = "/payments"
STATEMENTS_PATH = PAYMENTS_PATH + "/statements"
MAX_STATEMENT_BYTES = 5_000_000
ROWS_SHOWN = 200
STATEMENT_WAIT_SECONDS = 10.0
"""How long the upload waits for the import's result before it shows its progress."""
IMPORT_UNAVAILABLE = "import_unavailable"


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _day(text: str, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PaymentError("invalid_date", f"{text!r} is not YYYY-MM-DD", "date") from None


async def _page(
    request: Request,
    account: Account,
    organisation_id: str | None,
    *,
    status: LedgerStatus = LedgerStatus.APPROVED,
    status_code: int = 200,
    **context: Any,
) -> Response:
    desk = payments_desk(request)
    organisations, _ = await payments_scope(request, account, organisation_id)
    today = project_day(dependencies.web_settings(request).clock())
    defaults: dict[str, Any] = {
        "organisations": organisations,
        "organisation_id": organisation_id,
        "can_manage": account.role in MANAGING,
        "budget": [],
        "totals": [],
        "status": status,
        "statuses": list(LedgerStatus),
        "rows": [],
        "rows_shown": ROWS_SHOWN,
        "batches": [],
        "export_refusal": None,
        "statement_refusal": None,
        "report_refusal": None,
        "statement": None,
        "exported": request.query_params.get("exported"),
        "tomorrow": today + timedelta(days=1),
        "month_start": today.replace(day=1),
        "today": today,
        "money": money_formatter(request),
    }
    if organisation_id is not None:
        lines = await dependencies.budget_book(request).budget_lines()
        overview = desk.overview
        defaults.update(
            budget=budget_rows(lines, await overview.committed_by_line(organisation_id)),
            totals=await overview.totals(organisation_id),
            rows=await overview.rows(organisation_id, status, ROWS_SHOWN),
            batches=await overview.batches(organisation_id),
        )
        # The ledger's rows name payees: each pathway among them is a read.
        shown = [row.entry.pathway_id for row in defaults["rows"]]
        purpose = page_purpose(request, account)
        await record_read(request, account, shown, "payments_page", purpose, Channel.PAGE)
    return render(
        request,
        "payments.html",
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
        **{**defaults, **context},
    )


def _imports(request: Request) -> StatementImports:
    imports = dependencies.statement_imports(request)
    if imports is None:
        raise ProblemError("unavailable", "this web app starts no statement import", status=503)
    return imports


def _statement(
    import_id: str, organisation_id: str, found: StatementImport | None, *, earlier: bool
) -> dict[str, Any]:
    """What the page shows of an import: its figures, or that it waits for a worker."""
    return {
        "found": found,
        "earlier": earlier,
        "url": f"{STATEMENTS_PATH}/{import_id}?organisation={organisation_id}#statement",
    }


def build_payments_router() -> APIRouter:
    router = page_router()

    @router.get(PAYMENTS_PATH)
    async def payments(request: Request, account: PageAccount) -> Response:
        """Budget lines, the ledger by status, batches, and the forms of the payments."""
        check_reader(account)
        _, organisation_id = await payments_scope(
            request, account, request.query_params.get("organisation")
        )
        try:
            status = LedgerStatus(request.query_params.get("status", LedgerStatus.APPROVED))
        except ValueError:
            status = LedgerStatus.APPROVED
        return await _page(request, account, organisation_id, status=status)

    @router.post(PAYMENTS_PATH + "/batches")
    async def create_batch(
        settings: SettingsDep, request: Request, account: PageAccount
    ) -> Response:
        """Batch the organisation's approved payments into a SEPA file (`payments export`)."""
        check_manager(account)
        form = await request.form()
        _, organisation_id = await payments_scope(request, account, _field(form, "organisation"))
        if organisation_id is None:
            raise ProblemError("not_found", "no organisation", status=404)
        now = settings.clock()
        try:
            when = _day(_field(form, "execution_date"), project_day(now) + timedelta(days=1))
            batch = await payments_desk(request).store.export(
                organisation_id, created_by=account.id, now=now, execution_date=when
            )
        except PaymentError as err:
            log.info("batch_refused", code=err.code, organisation_id=organisation_id)
            return await _page(
                request,
                account,
                organisation_id,
                status_code=409 if err.code == "nothing_to_export" else 422,
                export_refusal=refusal(err),
            )
        log.info(
            "batch_created",
            batch_id=batch.header.batch_id,
            organisation_id=organisation_id,
            transfers=len(batch.rows),
            cents=batch.control_sum,
            by=account.id,
        )
        query = f"?organisation={organisation_id}&exported={batch.header.batch_id}#batches"
        return see_other(PAYMENTS_PATH + query, request)

    @router.get(PAYMENTS_PATH + "/batches/{batch_id}.xml")
    async def sepa_file(request: Request, batch_id: str, account: PageAccount) -> Response:
        """The batch's pain.001 file, built again: the bytes first recorded."""
        purpose = page_purpose(request, account)
        batch = await batch_file(request, account, batch_id, purpose, Channel.PAGE)
        return Response(
            batch.document,
            media_type="application/xml",
            headers={
                "Content-Disposition": f'attachment; filename="{batch_id}.xml"',
                "Cache-Control": "no-store",
                "X-Content-SHA256": batch.file_sha256,
            },
        )

    @router.post(STATEMENTS_PATH)
    async def import_statement(
        settings: SettingsDep, request: Request, account: PageAccount
    ) -> Response:
        """Start a bank statement's import (`payments import-statement`) and show it."""
        check_manager(account)
        form = await request.form()
        _, organisation_id = await payments_scope(request, account, _field(form, "organisation"))
        if organisation_id is None:
            raise ProblemError("not_found", "no organisation", status=404)
        imports = _imports(request)
        upload = form.get("statement")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise PaymentError("statement_missing", "choose a statement file", "statement")
            data = await upload.read(MAX_STATEMENT_BYTES + 1)
            if len(data) > MAX_STATEMENT_BYTES:
                raise PaymentError("statement_too_large", "at most 5 MB", "statement")
            lines = parse_statement(data, upload.filename)
            received_at = settings.clock()
            check_booked_by(lines, project_day(received_at))
        except PaymentError as err:
            return await _page(
                request, account, organisation_id, status_code=422, statement_refusal=refusal(err)
            )
        try:
            started = await imports.start(
                data,
                upload.filename,
                lines,
                received_at,
                organisation_id=organisation_id,
            )
            found = await imports.wait(started.import_id, STATEMENT_WAIT_SECONDS)
        except (RPCError, RPCTimeoutOrCancelledError) as err:
            log.warning("statement_import_not_started", error=str(err))
            unavailable = Refusal(IMPORT_UNAVAILABLE, REFUSALS[IMPORT_UNAVAILABLE], str(err))
            return await _page(
                request, account, organisation_id, status_code=503, statement_refusal=unavailable
            )
        log.info(
            "statement_import_started",
            organisation_id=organisation_id,
            by=account.id,
            import_id=started.import_id,
            earlier=started.earlier,
            stage=None if found is None else found.stage.value,
        )
        shown = _statement(started.import_id, organisation_id, found, earlier=started.earlier)
        return await _page(request, account, organisation_id, statement=shown)

    @router.get(STATEMENTS_PATH + "/{import_id}")
    async def statement_import(request: Request, import_id: str, account: PageAccount) -> Response:
        """A statement import of the organisation: its progress, or its result once done."""
        check_reader(account)
        _, organisation_id = await payments_scope(
            request, account, request.query_params.get("organisation")
        )
        if organisation_id is None or not import_id.endswith(f"-{organisation_id}"):
            raise ProblemError("not_found", "no such statement import", status=404)
        try:
            found = await _imports(request).progress(import_id)
        except LookupError:
            raise ProblemError("not_found", "no such statement import", status=404) from None
        shown = _statement(import_id, organisation_id, found, earlier=False)
        return await _page(request, account, organisation_id, statement=shown)

    @router.get(PAYMENTS_PATH + "/report")
    async def report(
        settings: SettingsDep, store: StoreDep, request: Request, account: PageAccount
    ) -> Response:
        """The expenditure report of the organisation for a period, CSV or XLSX."""
        check_reader(account)
        query = request.query_params
        _, organisation_id = await payments_scope(request, account, query.get("organisation"))
        today = project_day(settings.clock())
        try:
            start = _day(query.get("from", ""), today.replace(day=1))
            end = _day(query.get("to", ""), today)
            if end < start:
                raise PaymentError("invalid_period", "the period ends before it starts", "to")
            kind = query.get("format", "csv")
            if kind not in ("csv", "xlsx"):
                raise PaymentError("invalid_format", "csv or xlsx", "format")
        except PaymentError as err:
            return await _page(
                request, account, organisation_id, status_code=422, report_refusal=refusal(err)
            )
        rows = await payments_desk(request).store.report_rows(
            start,
            end,
            include_approved=query.get("include_approved") == "1",
            organisation_id=organisation_id,
        )
        attached = await documents_by_payment(store, rows)
        data = (report_csv if kind == "csv" else report_xlsx)(rows, start, end, attached)
        await record_read(
            request,
            account,
            [row.entry.pathway_id for row, _ in rows],
            "expenditure_report",
            page_purpose(request, account),
            Channel.PAGE,
            f"from={start.isoformat()} to={end.isoformat()} format={kind}",
        )
        media = (
            "text/csv; charset=utf-8"
            if kind == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"expenditure-{organisation_id}-{start.isoformat()}-{end.isoformat()}.{kind}"
        return Response(
            data,
            media_type=media,
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )

    return router


__all__ = ["PAYMENTS_PATH", "REFUSALS", "build_payments_router"]
