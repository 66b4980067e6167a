"""`/indicators`: the FAMI dashboard — every indicator as known at a date, with its trend.

The coordinator and auditors see every organisation (and may pick one); a supervisor sees
their own organisation only; anyone else is refused. Figures are read from the indicator
projection (`infra.indicators.queries`), as known at the end of the chosen day in Italian
time. Each figure links to its drill-down, the pathways behind it within the viewer's scope
and the event that made each count. The downloads are the CLI's export
(`pathways report`): the same cells, small ones suppressed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.calendar import end_of_day, project_day
from domain.indicators import AGE_BANDS, BY_ID, CATALOGUE, DEFAULT_THRESHOLD, Target
from domain.values import Gender, ProtectionStatus, Role, WorkPackage
from infra.access_log.model import Channel
from infra.accounts.model import Language
from infra.indicators.queries import Row
from infra.indicators.targets import Grant
from web import dependencies
from web.access import page_purpose, record_read
from web.dependencies import SettingsDep
from web.i18n import N_, translations
from web.indicator_filters import BREAKDOWNS, GENERAL, Filters, read_filters
from web.indicators import (
    XLSX,
    IndicatorDownload,
    as_of_day,
    check_reader,
    indicator_download,
    indicator_queries,
)
from web.organisation_scope import organisations_in_scope
from web.pages.form_labels import OPTION_LABELS
from web.pages.render import language_of, render
from web.pages.routing import PageAccount, log, page_router
from web.problems import ProblemError
from web.reports.funder_report import render_report, report_context
from web.reports.indicator_export import HEADERS, to_csv
from web.reports.indicator_labels import (
    GENERAL_OBJECTIVE,
    ROLES_IN_FIGURE,
    WORK_PACKAGES,
    indicator_label,
)
from web.security import report_csp

INDICATORS_PATH = "/indicators"
REPORT_PATH = INDICATORS_PATH + "/report"
TREND_MONTHS = 12
DRILL_DOWN_LIMIT = 1000

_WIDTH, _HEIGHT, _LEFT, _BOTTOM, _TOP = 220, 70, 34, 16, 6


def grant_of(request: Request) -> Grant:
    """The project and targets the app was composed with (PATHWAYS_TARGETS_FILE), else the
    shipped file's, which tests/unit/test_indicators.py checks."""
    grant: Grant | None = dependencies.web_settings(request).grant
    if grant is not None:
        return grant
    from infra.indicators.targets import load_grant

    return load_grant(None)


def _filters(request: Request) -> Filters:
    params = request.query_params
    return read_filters({k: params.getlist(k) for k in params})


def _day(request: Request) -> date:
    return as_of_day(request, request.query_params.get("as_of"))


def month_ends(day: date, months: int = TREND_MONTHS) -> list[date]:
    """The last day of each of the `months - 1` months before `day`'s, then `day` itself."""
    ends: list[date] = []
    first = day.replace(day=1)
    for _ in range(months - 1):
        ends.append(first - timedelta(days=1))
        first = (first - timedelta(days=1)).replace(day=1)
    return [*reversed(ends), day]


@dataclass(frozen=True)
class Figure:
    """One indicator as the dashboard shows it."""

    indicator_id: str
    label: str
    kind: str
    value: float | None
    shown: str
    numerator: int
    denominator: int | None
    target: Target | None
    target_shown: str | None
    progress: float | None
    met: bool | None
    trend: dict[str, Any]


def _format(language: Language, kind: str, value: float | None) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return format_decimal(value, locale=language)
    if kind == "rate":
        return format_percent(value, "#,##0.0%", locale=language)
    return format_decimal(round(value, 1), "#,##0.0", locale=language)


def _trend(
    language: Language, kind: str, days: Sequence[date], values: Sequence[float | None]
) -> Any:
    """A small line chart: the polyline's points, the axis labels and a text description."""
    known = [v for v in values if v is not None]
    top = max(known, default=0.0)
    if kind == "rate":
        top = max(top, 0.0) or 1.0
    top = top or 1.0
    inner_w, inner_h = _WIDTH - _LEFT - 4, _HEIGHT - _BOTTOM - _TOP
    step = inner_w / max(1, len(days) - 1)
    points = " ".join(
        f"{_LEFT + i * step:.1f},{_TOP + inner_h - (v / top) * inner_h:.1f}"
        for i, v in enumerate(values)
        if v is not None
    )
    described = "; ".join(
        f"{format_date(d, 'MMM yyyy', locale=language)}: {_format(language, kind, v)}"
        for d, v in zip(days, values, strict=True)
    )
    return {
        "width": _WIDTH,
        "height": _HEIGHT,
        "left": _LEFT,
        "top": _TOP,
        "bottom": _HEIGHT - _BOTTOM,
        "right": _WIDTH - 4,
        "points": points,
        "top_label": _format(language, kind, top),
        "zero_label": _format(language, kind, 0),
        "first_label": format_date(days[0], "MMM yy", locale=language),
        "last_label": format_date(days[-1], "MMM yy", locale=language),
        "description": described,
    }


def _figures(
    language: Language,
    rows: list[Row],
    history: list[list[Row]],
    days: list[date],
    targets: dict[str, Target],
) -> dict[str, Figure]:
    gettext = translations(language).gettext
    past = [{r.indicator_id: r.value for r in table} for table in history]
    figures: dict[str, Figure] = {}
    for row in rows:
        indicator = row.indicator
        target = targets.get(row.indicator_id)
        value = row.value
        figures[row.indicator_id] = Figure(
            indicator_id=row.indicator_id,
            label=indicator_label(gettext, row.indicator_id, indicator.label),
            kind=indicator.kind,
            value=value,
            shown=_format(language, indicator.kind, value),
            numerator=row.numerator,
            denominator=row.denominator,
            target=target,
            target_shown=None
            if target is None
            else _format(language, indicator.kind, target.value),
            progress=None if target is None or value is None else target.progress(value),
            met=None if target is None or value is None else target.met(value),
            trend=_trend(language, indicator.kind, days, [p.get(row.indicator_id) for p in past]),
        )
    return figures


def _groups(
    language: Language, figures: dict[str, Figure], filters: Filters
) -> list[dict[str, Any]]:
    """Tiles by work package: a count alone, an exit figure beside its baseline."""
    gettext = translations(language).gettext
    paired = {i.paired_with for i in CATALOGUE if i.paired_with}
    groups: dict[str, dict[str, Any]] = {}
    for indicator in filters.indicators():
        if indicator.indicator_id in paired:
            continue
        package = indicator.work_package
        key = "general" if package is None else package.value
        title = gettext(GENERAL_OBJECTIVE if package is None else WORK_PACKAGES[package])
        group = groups.setdefault(key, {"key": key, "title": title, "tiles": []})
        figure = figures[indicator.indicator_id]
        baseline = figures.get(indicator.paired_with) if indicator.paired_with else None
        group["tiles"].append({"figure": figure, "baseline": baseline})
    order = ["wp1_work", "wp2_housing", "wp3_socio_cultural", "general"]
    return [groups[k] for k in order if k in groups]


def _link_query(day: date, organisation_id: str | None, filters: Filters | None = None) -> str:
    """The query string that keeps the day, the organisation and the filters in links."""
    query = f"as_of={day.isoformat()}"
    query += f"&organisation={organisation_id}" if organisation_id else ""
    chosen = "" if filters is None else filters.query_string()
    return query + (f"&{chosen}" if chosen else "")


def _filter_options(language: Language, filters: Filters) -> list[dict[str, Any]]:
    """The form's selects: each dimension's values in the reader's language."""
    gettext = translations(language).gettext

    def options(values: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        return [{"value": v, "label": text} for v, text in values]

    chosen = {**filters.dimensions, "work_package": filters.work_package or ""}
    packages = [(w.value, gettext(WORK_PACKAGES[w])) for w in WorkPackage]
    selects: list[tuple[str, str, list[tuple[str, str]]]] = [
        (
            "gender",
            N_("All genders"),
            [(g.value, gettext(OPTION_LABELS["Gender"][g.value])) for g in Gender],
        ),
        ("age_band", N_("All ages"), [(b, b) for b in AGE_BANDS]),
        (
            "protection_status",
            N_("Every protection status"),
            [
                (p.value, gettext(OPTION_LABELS["ProtectionStatus"][p.value]))
                for p in ProtectionStatus
            ],
        ),
        (
            "work_package",
            N_("All work packages"),
            [*packages, (GENERAL, gettext(GENERAL_OBJECTIVE))],
        ),
    ]
    return [
        {
            "name": name,
            "label": gettext(HEADERS[name]),
            "any": gettext(any_label),
            "options": options(values),
            "chosen": chosen.get(name, ""),
        }
        for name, any_label, values in selects
    ]


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
        day = _day(request)
        filters = _filters(request)
        chosen = filters.dimensions
        days = month_ends(day)
        # One query for the 12 points (the last is the chosen day): see IndicatorQueries.trend.
        history = await queries.trend(
            [end_of_day(d) for d in days], organisation_id=organisation_id, filters=chosen
        )
        language = language_of(request)
        figures = _figures(language, history[-1], history, days, grant_of(request).targets)
        return render(
            request,
            "indicators.html",
            headers={"Cache-Control": "no-store"},
            organisations=organisations,
            organisation_id=organisation_id,
            choose_organisation=account.role != Role.SUPERVISOR,
            day=day,
            today=project_day(settings.clock()),
            groups=_groups(language, figures, filters),
            filter_options=_filter_options(language, filters),
            nationality=chosen.get("nationality", ""),
            breakdowns=[(b, translations(language).gettext(HEADERS[b])) for b in BREAKDOWNS],
            link_query=_link_query(day, organisation_id, filters),
            report_query=_link_query(day, organisation_id),
        )

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
        day = _day(request)
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
        day = _day(request)
        filters = _filters(request)
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
            shown=_format(language, indicator.kind, row.value),
            row=row,
            day=day,
            organisation_id=organisation_id,
            contributions=contributions,
            limited=len(contributions) >= DRILL_DOWN_LIMIT,
            roles=ROLES_IN_FIGURE,
            link_query=_link_query(day, organisation_id, filters),
        )

    return router


async def _export(request: Request, account: PageAccount) -> IndicatorDownload:
    check_reader(account)
    _, organisation_id = await organisations_in_scope(
        request, account, request.query_params.get("organisation")
    )
    return await indicator_download(
        request, account, organisation_id, _day(request), _filters(request), language_of(request)
    )


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


__all__ = ["INDICATORS_PATH", "REPORT_PATH", "build_indicators_router", "month_ends"]
