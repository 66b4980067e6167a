"""`/indicators`: the FAMI dashboard — every indicator as known at a date, with its trend.

The coordinator and auditors see every organisation (and may pick one); a supervisor sees
their own organisation only; anyone else is refused. Figures are read from the indicator
projection (`infra.indicators.queries`), as known at the end of the chosen day in Italian
time, and shown as `web.pages.indicator_figures` builds them. Each figure links to its
drill-down, the pathways behind it within the viewer's scope and the event that made each
count. The downloads and the funder's report (`web.pages.indicator_downloads`) are the
CLI's export (`pathways report`): the same cells, small ones suppressed.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.calendar import end_of_day, project_day
from domain.indicators import BY_ID
from domain.values import Role
from infra.access_log.model import Channel
from infra.indicators.targets import Grant
from web import dependencies
from web.access import page_purpose, record_read
from web.dependencies import SettingsDep
from web.i18n import translations
from web.indicator_filters import BREAKDOWNS, Filters, read_filters
from web.indicators import as_of_day, check_reader, indicator_queries
from web.organisation_scope import organisations_in_scope
from web.pages.indicator_figures import (
    dashboard_figures,
    filter_options,
    month_ends,
    work_package_groups,
)
from web.pages.render import language_of, render
from web.pages.routing import PageAccount, page_router
from web.problems import ProblemError
from web.reports.funder_report import format_value
from web.reports.indicator_export import HEADERS
from web.reports.indicator_labels import ROLES_IN_FIGURE, indicator_label

INDICATORS_PATH = "/indicators"
DRILL_DOWN_LIMIT = 1000


def grant_of(request: Request) -> Grant:
    """The project and targets the app was composed with (PATHWAYS_TARGETS_FILE), else the
    shipped file's, which tests/unit/test_indicator_targets.py checks."""
    grant: Grant | None = dependencies.web_settings(request).grant
    if grant is not None:
        return grant
    from infra.indicators.targets import load_grant

    return load_grant(None)


def filters_of(request: Request) -> Filters:
    """The filters the query string asks for (`invalid_filter` for a value not known)."""
    params = request.query_params
    return read_filters({k: params.getlist(k) for k in params})


def day_of(request: Request) -> date:
    """The day of `?as_of=` (today without one), checked by `web.indicators.as_of_day`."""
    return as_of_day(request, request.query_params.get("as_of"))


def _link_query(day: date, organisation_id: str | None, filters: Filters | None = None) -> str:
    """The query string that keeps the day, the organisation and the filters in links."""
    query = f"as_of={day.isoformat()}"
    query += f"&organisation={organisation_id}" if organisation_id else ""
    chosen = "" if filters is None else filters.query_string()
    return query + (f"&{chosen}" if chosen else "")


def build_indicators_router() -> APIRouter:
    router = page_router()

    @router.get(INDICATORS_PATH)
    async def dashboard(settings: SettingsDep, request: Request, account: PageAccount) -> Response:
        """Every indicator as known at the end of a day, by work package, with its trend."""
        check_reader(account)
        organisations, organisation_id = await organisations_in_scope(
            request, account, request.query_params.get("organisation")
        )
        queries = indicator_queries(request)
        day = day_of(request)
        filters = filters_of(request)
        chosen = filters.dimensions
        days = month_ends(day)
        # One query for the 12 points (the last is the chosen day): see IndicatorQueries.trend.
        history = await queries.trend(
            [end_of_day(d) for d in days], organisation_id=organisation_id, filters=chosen
        )
        language = language_of(request)
        figures = dashboard_figures(language, history[-1], history, days, grant_of(request).targets)
        return render(
            request,
            "indicators.html",
            headers={"Cache-Control": "no-store"},
            organisations=organisations,
            organisation_id=organisation_id,
            choose_organisation=account.role != Role.SUPERVISOR,
            day=day,
            today=project_day(settings.clock()),
            groups=work_package_groups(language, figures, filters),
            filter_options=filter_options(language, filters),
            nationality=chosen.get("nationality", ""),
            breakdowns=[(b, translations(language).gettext(HEADERS[b])) for b in BREAKDOWNS],
            link_query=_link_query(day, organisation_id, filters),
            report_query=_link_query(day, organisation_id),
        )

    @router.get(INDICATORS_PATH + "/{indicator_id}")
    async def drill_down(request: Request, indicator_id: str, account: PageAccount) -> Response:
        """The pathways behind one figure, within the viewer's scope, and the events."""
        check_reader(account)
        purpose = page_purpose(request, account)
        indicator = BY_ID.get(indicator_id)
        if indicator is None:
            raise ProblemError("not_found", "no such indicator", status=404)
        _, organisation_id = await organisations_in_scope(
            request, account, request.query_params.get("organisation")
        )
        day = day_of(request)
        filters = filters_of(request)
        queries = indicator_queries(request)
        as_of = end_of_day(day)
        contributions = await queries.pathways_for(
            indicator_id,
            as_of,
            filters.dimensions,
            organisation_id=organisation_id,
            limit=DRILL_DOWN_LIMIT,
        )
        (row,) = [
            r
            for r in await queries.indicator_table(
                as_of, organisation_id=organisation_id, filters=filters.dimensions
            )
            if r.indicator_id == indicator_id
        ]
        await record_read(
            request,
            account,
            [c.pathway_id for c in contributions],
            "indicator_drill_down",
            purpose,
            Channel.PAGE,
            f"indicator={indicator_id} as_of={day.isoformat()}",
        )
        language = language_of(request)
        gettext = translations(language).gettext
        return render(
            request,
            "indicator.html",
            headers={"Cache-Control": "no-store"},
            indicator=indicator,
            title=indicator_label(gettext, indicator_id, indicator.label),
            shown=format_value(language, indicator.kind, row.value),
            row=row,
            day=day,
            organisation_id=organisation_id,
            contributions=contributions,
            limited=len(contributions) >= DRILL_DOWN_LIMIT,
            roles=ROLES_IN_FIGURE,
            link_query=_link_query(day, organisation_id, filters),
        )

    return router


__all__ = ["INDICATORS_PATH", "build_indicators_router", "day_of", "filters_of", "grant_of"]
