"""Who reads the FAMI indicators, as known at which day, and their download: the rules the
indicators pages and `/api/v1/indicators` go through.

The coordinator and auditors see every organisation (and may pick one); a supervisor sees
their own organisation only; anyone else is refused. Figures are as known at the end of
the chosen day in Italian time; the downloads are `pathways report`'s table, small cells
suppressed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import structlog
from fastapi import Request

from client.parsing import InvalidInput, not_after
from domain.calendar import end_of_day, project_day
from domain.indicators import DEFAULT_THRESHOLD
from domain.values import Role
from infra.accounts.model import Account, Language
from infra.indicators.queries import IndicatorQueries
from web import dependencies
from web.indicator_filters import Filters
from web.problems import ProblemError
from web.reports.indicator_export import export_table, write_xlsx
from web.scope import FORBIDDEN

log = structlog.get_logger("pathways.web.indicators")

READING = frozenset({Role.SUPERVISOR, Role.COORDINATOR, Role.AUDITOR})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def check_reader(account: Account) -> None:
    """Raises `forbidden` (403) for anyone but a supervisor, the coordinator or an auditor."""
    if account.role not in READING:
        log.warning("access_denied", account_id=account.id, action="indicators")
        raise ProblemError(FORBIDDEN, "indicators are for supervisors and the project", status=403)


def indicator_queries(request: Request) -> IndicatorQueries:
    """The root's queries; `unavailable` (503) where the app has no indicator database."""
    queries = dependencies.indicator_queries(request)
    if queries is None:
        raise ProblemError("unavailable", "this web app has no indicator database", status=503)
    return queries


def as_of_day(request: Request, text: str | None) -> date:
    """The day asked for (today without one): 422 `invalid_date` for another format,
    `as_of_in_future` for a day after today, before anything is read."""
    today = project_day(dependencies.web_settings(request).clock())
    text = (text or "").strip()
    try:
        day = date.fromisoformat(text) if text else today
    except ValueError:
        raise ProblemError("invalid_date", f"{text!r} is not YYYY-MM-DD", status=422) from None
    try:
        return not_after(day, today)
    except InvalidInput as error:
        raise ProblemError(error.code, error.message, error.field, status=422) from None


@dataclass(frozen=True)
class IndicatorDownload:
    """The indicator table ready to write, and the file's name without its extension."""

    header: list[str]
    cells: list[list[Any]]
    lines: list[str]
    name: str

    def xlsx(self) -> bytes:
        """The table as an XLSX workbook (cells neutralised as every export's)."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "indicators.xlsx"
            write_xlsx(path, self.header, self.cells, self.lines)
            return path.read_bytes()


async def indicator_download(
    request: Request,
    account: Account,
    organisation_id: str | None,
    day: date,
    filters: Filters,
    language: Language,
) -> IndicatorDownload:
    """Every indicator of the filters as known at the end of `day`, broken down by
    `filters.by`, small cells suppressed (as `pathways report`)."""
    check_reader(account)
    as_of = end_of_day(day)
    rows = await indicator_queries(request).indicator_table(
        as_of, by=filters.by, organisation_id=organisation_id, filters=filters.dimensions
    )
    table = export_table(
        [r for r in rows if filters.keeps(r.indicator)],
        filters.by,
        DEFAULT_THRESHOLD,
        as_of,
        language,
        organisation_id=organisation_id,
        filters=dict(filters.query()),
    )
    log.info(
        "indicators_exported",
        account_id=account.id,
        organisation_id=organisation_id,
        filters=filters.query(),
        by=filters.by,
    )
    name = f"indicators-{organisation_id or 'all'}-{day.isoformat()}"
    return IndicatorDownload(table.header, table.cells, table.lines, name)
