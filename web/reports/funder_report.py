"""The funder report: every FAMI indicator as known at a date, printable (A4), with charts.

One self-contained HTML document (inline CSS and SVG, no script, no link to fetch), for the
web (`GET /indicators/report`) and the CLI (`pathways report --format html`) alike. It
leaves the project, so its figures are those of the exports: the cells of
`domain.indicators.table.table_cells`, small ones suppressed (`domain.indicators.disclosure`)
— in the totals, in the breakdown by organisation and in every chart. Browsers print it to
PDF; no PDF renderer is bundled (docs/indicators.md, "Report").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal, format_percent

from domain.indicators import CATALOGUE, Indicator, Target
from domain.indicators.table import table_cells
from infra.accounts.model import Language
from infra.indicators.queries import Row
from infra.indicators.targets import Grant
from web.i18n import translations
from web.pages.render import environments
from web.reports.indicator_labels import GENERAL_OBJECTIVE, WORK_PACKAGES, indicator_label

TEMPLATE = "funder_report.html"
ORDER = ("wp1_work", "wp2_housing", "wp3_socio_cultural", "general")
BAR_WIDTH, BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 300, 12, 6, 230
"""SVG geometry of the horizontal bar charts, in CSS pixels (about 16 cm wide printed)."""
SMALL_BAR_WIDTH, SMALL_LABEL_WIDTH = 150, 110
"""The charts by organisation: small enough for two side by side on A4."""
MEAN_SCALE = 40.0
"""The top of the self-esteem scale (Rosenberg, 10-40): where a mean's bar is full."""


@dataclass(frozen=True)
class Figure:
    """One indicator as the report prints it: its value after suppression, and its target."""

    indicator: Indicator
    label: str
    value: float | None
    """None: suppressed, or nothing to divide (both print as a dash)."""
    shown: str
    target: Target | None
    target_shown: str | None
    progress: float | None
    met: bool | None


def format_value(language: Language, kind: str, value: float | None) -> str:
    """A count, a rate (as a percentage) or a mean, as the reader writes numbers."""
    if value is None:
        return "–"
    if kind == "count":
        return format_decimal(value, locale=language)
    if kind == "rate":
        return format_percent(value, "#,##0.0%", locale=language)
    return format_decimal(round(value, 1), "#,##0.0", locale=language)


def _values(rows: Sequence[Row], by: Sequence[str], threshold: int) -> dict[tuple[Any, ...], Any]:
    """(cell values..., indicator id) → the exported value (None when suppressed)."""
    header, cells, _ = table_cells(rows, by, threshold)
    at = header.index("value")
    return {(*cell[: len(by)], cell[len(by)]): cell[at] for cell in cells}


def _figure(
    language: Language,
    indicator: Indicator,
    value: float | None,
    targets: Mapping[str, Target],
) -> Figure:
    gettext = translations(language).gettext
    target = targets.get(indicator.indicator_id)
    return Figure(
        indicator=indicator,
        label=indicator_label(gettext, indicator.indicator_id, indicator.label),
        value=value,
        shown=format_value(language, indicator.kind, value),
        target=target,
        target_shown=None
        if target is None
        else format_value(language, indicator.kind, target.value),
        progress=None if target is None or value is None else target.progress(value),
        met=None if target is None or value is None else target.met(value),
    )


def _bars(
    items: Sequence[tuple[str, float | None, str, float]],
    *,
    label_width: int = LABEL_WIDTH,
    bar_width: int = BAR_WIDTH,
) -> dict[str, Any]:
    """A horizontal bar chart: (label, value, text, full scale) → the SVG's geometry.

    A bar's length is value / full scale, capped at the chart's width; a suppressed value
    (None) gets no bar and its text says so.
    """
    bars = []
    for index, (label, value, text, scale) in enumerate(items):
        share = 0.0 if value is None or scale <= 0 else min(1.0, value / scale)
        bars.append(
            {
                "label": label,
                "text": text,
                "y": index * (BAR_HEIGHT + BAR_GAP),
                "width": round(share * bar_width, 1),
                "suppressed": value is None,
            }
        )
    return {
        "bars": bars,
        "label_width": label_width,
        "bar_width": bar_width,
        "bar_height": BAR_HEIGHT,
        "width": label_width + bar_width + 40,
        "height": max(1, len(bars)) * (BAR_HEIGHT + BAR_GAP),
    }


def _short(text: str, limit: int = 46) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def report_context(
    language: Language,
    *,
    as_of: datetime,
    day: date,
    totals: Sequence[Row],
    by_organisation: Sequence[Row],
    organisations: Mapping[str, str],
    grant: Grant,
    threshold: int,
    organisation_id: str | None = None,
    targets_source: str | None = None,
) -> dict[str, Any]:
    """What `funder_report.html` prints, from the table as known at `as_of` (total, and by
    organisation), the organisations' names, the grant's project and targets."""
    gettext = translations(language).gettext
    total = _values(totals, (), threshold)
    split = _values(by_organisation, ("organisation_id",), threshold)
    present = sorted({key[0] for key in split if key[0] is not None})
    if organisation_id is not None:
        present = [o for o in present if o == organisation_id] or [organisation_id]
    figures = {
        i.indicator_id: _figure(language, i, total.get((i.indicator_id,)), grant.targets)
        for i in CATALOGUE
    }
    groups: dict[str, dict[str, Any]] = {}
    for indicator in CATALOGUE:
        package = indicator.work_package
        key = "general" if package is None else package.value
        title = gettext(GENERAL_OBJECTIVE if package is None else WORK_PACKAGES[package])
        group = groups.setdefault(
            key, {"key": key, "title": title, "figures": [], "pairs": [], "breakdowns": []}
        )
        figure = figures[indicator.indicator_id]
        group["figures"].append(figure)
        if indicator.paired_with:
            baseline = figures[indicator.paired_with]
            scale = 1.0 if indicator.kind == "rate" else MEAN_SCALE
            group["pairs"].append(
                {
                    "figure": figure,
                    "baseline": baseline,
                    "chart": _bars(
                        [
                            (gettext("Baseline"), baseline.value, baseline.shown, scale),
                            (gettext("Exit"), figure.value, figure.shown, scale),
                        ],
                        label_width=SMALL_LABEL_WIDTH,
                        bar_width=SMALL_BAR_WIDTH,
                    ),
                }
            )
        if indicator.kind == "count":
            values = [split.get((o, indicator.indicator_id)) for o in present]
            top = max([v for v in values if v is not None] or [0]) or 1
            group["breakdowns"].append(
                {
                    "figure": figure,
                    "chart": _bars(
                        [
                            (
                                _short(organisations.get(o, o), 22),
                                v,
                                format_value(language, "count", v),
                                float(top),
                            )
                            for o, v in zip(present, values, strict=True)
                        ],
                        label_width=SMALL_LABEL_WIDTH,
                        bar_width=SMALL_BAR_WIDTH,
                    ),
                }
            )
    for group in groups.values():
        with_target = [f for f in group["figures"] if f.target and f.indicator.kind == "count"]
        group["progress_chart"] = _bars(
            [
                (
                    _short(f.label),
                    None if f.progress is None else f.progress,
                    "–"
                    if f.progress is None
                    else format_percent(f.progress, "#,##0%", locale=language),
                    1.0,
                )
                for f in with_target
            ]
        )
    return {
        "language": language,
        "project": grant.project,
        "day": day,
        "as_of": as_of,
        "groups": [groups[k] for k in ORDER if k in groups],
        "organisations": [(o, organisations.get(o, o)) for o in present],
        "organisation_id": organisation_id,
        "organisation_name": None
        if organisation_id is None
        else organisations.get(organisation_id, organisation_id),
        "threshold": threshold,
        "suppressed": any(f.value is None for f in figures.values()),
        "targets_source": targets_source,
        "catalogue": [figures[i.indicator_id] for i in CATALOGUE],
    }


def render_report(context: Mapping[str, Any]) -> str:
    """The report as one HTML document in the context's language."""
    language: Language = context["language"]
    return environments()[language].get_template(TEMPLATE).render(**context)
