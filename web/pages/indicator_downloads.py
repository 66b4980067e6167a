"""The indicators as `pathways report` gives them: the table as CSV or XLSX, and the
printable report for the funder.

Read by the same people as the dashboard (`web.pages.indicators`), for the same day,
organisation and filters; small cells are suppressed, as in the CLI's export. The router
is included before the dashboard's, whose `/indicators/{indicator_id}` would otherwise
take `/indicators/report`.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.calendar import end_of_day
from domain.indicators import DEFAULT_THRESHOLD
from web.dependencies import SettingsDep
from web.indicators import (
    XLSX,
    IndicatorDownload,
    check_reader,
    indicator_download,
    indicator_queries,
)
from web.organisation_scope import organisations_in_scope
from web.pages.indicators import INDICATORS_PATH, day_of, filters_of, grant_of
from web.pages.render import language_of
from web.pages.routing import PageAccount, log, page_router
from web.reports.funder_report import render_report, report_context
from web.reports.indicator_export import to_csv
from web.security import report_csp

REPORT_PATH = INDICATORS_PATH + "/report"


def build_indicator_downloads_router() -> APIRouter:
    router = page_router()

    @router.get(INDICATORS_PATH + ".csv")
    async def as_csv(request: Request, account: PageAccount) -> Response:
        """The indicator table as CSV, small cells suppressed (as `pathways report`)."""
        table = await _export(request, account)
        return Response(
            to_csv(table.header, table.cells, table.lines),
            media_type="text/csv; charset=utf-8",
            headers=_attachment(f"{table.name}.csv"),
        )

    @router.get(INDICATORS_PATH + ".xlsx")
    async def as_xlsx(request: Request, account: PageAccount) -> Response:
        """The same table as an XLSX workbook."""
        table = await _export(request, account)
        return Response(table.xlsx(), media_type=XLSX, headers=_attachment(f"{table.name}.xlsx"))

    @router.get(REPORT_PATH)
    async def funder_report(
        settings: SettingsDep, request: Request, account: PageAccount
    ) -> Response:
        """The printable report for the funder: every indicator, small cells suppressed."""
        check_reader(account)
        organisations, organisation_id = await organisations_in_scope(
            request, account, request.query_params.get("organisation")
        )
        day = day_of(request)
        as_of = end_of_day(day)
        queries = indicator_queries(request)
        totals = await queries.indicator_table(as_of, organisation_id=organisation_id)
        split = await queries.indicator_table(
            as_of, by=["organisation_id"], organisation_id=organisation_id
        )
        context = report_context(
            language_of(request),
            as_of=as_of,
            day=day,
            totals=totals,
            by_organisation=split,
            organisations={o.id: o.name for o in organisations},
            grant=grant_of(request),
            threshold=DEFAULT_THRESHOLD,
            organisation_id=organisation_id,
            targets_source=settings.targets_source,
        )
        log.info("indicator_report", account_id=account.id, organisation_id=organisation_id)
        nonce = secrets.token_urlsafe(16)
        return HTMLResponse(
            render_report({**context, "style_nonce": nonce}),
            headers={"Cache-Control": "no-store", "Content-Security-Policy": report_csp(nonce)},
        )

    return router


async def _export(request: Request, account: PageAccount) -> IndicatorDownload:
    check_reader(account)
    _, organisation_id = await organisations_in_scope(
        request, account, request.query_params.get("organisation")
    )
    return await indicator_download(
        request,
        account,
        organisation_id,
        day_of(request),
        filters_of(request),
        language_of(request),
    )


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


__all__ = ["REPORT_PATH", "build_indicator_downloads_router"]
