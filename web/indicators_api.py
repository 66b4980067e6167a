"""The FAMI indicators in the API, on the rules of `web.indicators` (the dashboard's): the
catalogue, one indicator as known at a day with its breakdown, its drill-down (each pathway
behind it and the event that made it count) and the XLSX download.

Filters are the dashboard's (`web.indicator_filters`: `invalid_filter`, 422). The
breakdown is the downloads' table, small cells suppressed; the drill-down is within the
reader's scope and each pathway in it is a read in the access log.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from domain.calendar import end_of_day
from domain.indicators import BY_ID, CATALOGUE, DEFAULT_THRESHOLD, Indicator
from domain.indicators.table import table_cells
from infra.access_log.model import Channel
from infra.accounts.model import Account
from web.access import PurposeHeader, PurposeQuery, chosen_purpose, record_read
from web.auth import CurrentAccount
from web.indicator_filters import BREAKDOWNS, Filters, read_filters
from web.indicators import XLSX, as_of_day, check_reader, indicator_download, indicator_queries
from web.organisation_scope import organisations_in_scope
from web.problems import PROBLEM_RESPONSES, ProblemError

DRILL_DOWN_LIMIT = 1000
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        "description": "The indicator table, small cells suppressed",
    }
}


class IndicatorCell(BaseModel):
    """One cell of the breakdown: its dimensions' values and the figure, or null when
    suppressed (fewer people than the threshold)."""

    dimensions: dict[str, str | None]
    value: float | None
    numerator: int | None
    denominator: int | None


class IndicatorValue(BaseModel):
    """One indicator as known at the end of `as_of` (Italian time), in the reader's scope."""

    indicator: Indicator
    as_of: date
    organisation_id: str | None
    filters: dict[str, str]
    value: float | None
    """The count, or the rate (0 to 1) or mean; null when there is nothing to divide."""
    numerator: int
    denominator: int | None
    by: list[str]
    cells: list[IndicatorCell]
    """The breakdown by `by`, small cells suppressed (as the downloads)."""
    threshold: int


class IndicatorContribution(BaseModel):
    """One pathway's part in a figure: which fact, with what weight, since which event."""

    pathway_id: str
    role: str
    """`count`, `numerator` or `denominator`."""
    fact: str
    weight: int
    since: datetime
    opened_by: int
    """The global position of the event that made the fact true: the proof of the figure."""


class DrillDown(BaseModel):
    indicator_id: str
    as_of: date
    organisation_id: str | None
    contributions: list[IndicatorContribution]
    limited: bool
    """True when only the first `DRILL_DOWN_LIMIT` are listed."""


def _filters(
    gender: str | None,
    age_band: str | None,
    nationality: str | None,
    protection_status: str | None,
    work_package: str | None,
    by: list[str] | None,
) -> Filters:
    given = {
        "gender": gender,
        "age_band": age_band,
        "nationality": nationality,
        "protection_status": protection_status,
        "work_package": work_package,
    }
    params = {name: [value] for name, value in given.items() if value is not None}
    return read_filters({**params, "by": list(by or [])})


class FilterParams:
    """The dashboard's filters as query parameters, checked whole by `read_filters`."""

    def __init__(
        self,
        gender: str | None = None,
        age_band: str | None = None,
        nationality: Annotated[str | None, Query(description="ISO 3166-1 alpha-2")] = None,
        protection_status: str | None = None,
        work_package: str | None = None,
        by: Annotated[
            list[str] | None,
            Query(description=f"Break down by: {', '.join(BREAKDOWNS)} (repeat it)"),
        ] = None,
    ) -> None:
        self.filters = _filters(gender, age_band, nationality, protection_status, work_package, by)


Chosen = Annotated[FilterParams, Depends()]
AsOf = Annotated[str | None, Query(description="YYYY-MM-DD, not after today; by default today")]


async def _scope(request: Request, account: Account, organisation_id: str | None) -> str | None:
    check_reader(account)
    _, chosen = await organisations_in_scope(request, account, organisation_id)
    return chosen


def _indicator(indicator_id: str) -> Indicator:
    indicator = BY_ID.get(indicator_id)
    if indicator is None:
        raise ProblemError("not_found", "no such indicator", status=404)
    return indicator


def build_indicators_router(*, documented: bool = True) -> APIRouter:
    """The routes, left out of the OpenAPI when not `documented` (an app without the
    indicator projection answers them 503), as the codec's are."""
    router = APIRouter(
        prefix="/api/v1",
        responses=PROBLEM_RESPONSES,
        tags=["indicators"],
        include_in_schema=documented,
    )

    @router.get("/indicators", response_model=list[Indicator], summary="The indicator catalogue")
    async def catalogue(account: CurrentAccount) -> list[Indicator]:
        """Every indicator the funder judges the project by, with the rule that counts it."""
        check_reader(account)
        return list(CATALOGUE)

    @router.get(
        "/indicators.xlsx",
        response_class=Response,
        responses=XLSX_RESPONSE,
        summary="The indicator table as XLSX",
    )
    async def as_xlsx(
        request: Request,
        account: CurrentAccount,
        params: Chosen,
        as_of: AsOf = None,
        organisation_id: str | None = None,
    ) -> Response:
        """The dashboard's download (`pathways report`): small cells suppressed, every
        text cell neutralised against formulas."""
        chosen = await _scope(request, account, organisation_id)
        day = as_of_day(request, as_of)
        table = await indicator_download(
            request, account, chosen, day, params.filters, account.language
        )
        return Response(
            table.xlsx(),
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="{table.name}.xlsx"',
                "Cache-Control": "no-store",
            },
        )

    @router.get(
        "/indicators/{indicator_id}",
        response_model=IndicatorValue,
        summary="One indicator as known at a day, with its breakdown",
    )
    async def indicator_value(
        request: Request,
        indicator_id: str,
        account: CurrentAccount,
        params: Chosen,
        as_of: AsOf = None,
        organisation_id: str | None = None,
    ) -> IndicatorValue:
        """For a supervisor (their organisation), the coordinator or an auditor (any, or
        every one); `not_found` (404) for an unknown indicator or an organisation outside
        the scope, `invalid_date`, `as_of_in_future`, `invalid_filter` (422)."""
        chosen = await _scope(request, account, organisation_id)
        indicator = _indicator(indicator_id)
        day = as_of_day(request, as_of)
        filters = params.filters
        queries = indicator_queries(request)
        instant = end_of_day(day)
        (total,) = [
            r
            for r in await queries.indicator_table(
                instant, organisation_id=chosen, filters=filters.dimensions
            )
            if r.indicator_id == indicator_id
        ]
        split = [
            r
            for r in await queries.indicator_table(
                instant, by=filters.by, organisation_id=chosen, filters=filters.dimensions
            )
            if r.indicator_id == indicator_id
        ]
        header, rows, _ = table_cells(split, filters.by, DEFAULT_THRESHOLD)
        return IndicatorValue(
            indicator=indicator,
            as_of=day,
            organisation_id=chosen,
            filters=filters.dimensions,
            value=total.value,
            numerator=total.numerator,
            denominator=total.denominator,
            by=list(filters.by),
            cells=[_cell(dict(zip(header, row, strict=True)), filters.by) for row in rows],
            threshold=DEFAULT_THRESHOLD,
        )

    @router.get(
        "/indicators/{indicator_id}/contributions",
        response_model=DrillDown,
        summary="The pathways behind an indicator and the events that made them count",
    )
    async def drill_down(
        request: Request,
        indicator_id: str,
        account: CurrentAccount,
        params: Chosen,
        as_of: AsOf = None,
        organisation_id: str | None = None,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> DrillDown:
        """The dashboard's drill-down, within the reader's scope (a supervisor: their
        organisation's pathways); each pathway listed is a read in the access log first."""
        chosen = await _scope(request, account, organisation_id)
        why = chosen_purpose(account, purpose, x_purpose)
        _indicator(indicator_id)
        day = as_of_day(request, as_of)
        found = await indicator_queries(request).pathways_for(
            indicator_id,
            end_of_day(day),
            params.filters.dimensions,
            organisation_id=chosen,
            limit=DRILL_DOWN_LIMIT,
        )
        if found:
            await record_read(
                request,
                account,
                sorted({c.pathway_id for c in found}),
                "indicator_drill_down",
                why,
                Channel.API,
                f"indicator={indicator_id} as_of={day.isoformat()}",
            )
        return DrillDown(
            indicator_id=indicator_id,
            as_of=day,
            organisation_id=chosen,
            contributions=[IndicatorContribution(**vars(c)) for c in found],
            limited=len(found) >= DRILL_DOWN_LIMIT,
        )

    return router


def _cell(named: dict[str, Any], by: tuple[str, ...]) -> IndicatorCell:
    return IndicatorCell(
        dimensions={d: named[d] for d in by},
        value=None if named["value"] is None else float(named["value"]),
        numerator=named["numerator"],
        denominator=named["denominator"],
    )
