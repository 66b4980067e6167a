"""What the indicators dashboard shows of each figure: its value in the reader's language,
its target and progress, its trend as a small line chart, the tiles by work package, and
the filter form's selects.

Built from the rows `infra.indicators.queries` returns; the routes that read them are
`web.pages.indicators`'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date

from domain.indicators import AGE_BANDS, CATALOGUE, Target
from domain.values import Gender, ProtectionStatus, WorkPackage
from infra.accounts.model import Language
from infra.indicators.queries import Row
from web.i18n import N_, translations
from web.indicator_filters import GENERAL, Filters
from web.pages.form_labels import OPTION_LABELS
from web.reports.funder_report import format_value
from web.reports.indicator_export import HEADERS
from web.reports.indicator_labels import GENERAL_OBJECTIVE, WORK_PACKAGES, indicator_label

TREND_MONTHS = 12

_WIDTH, _HEIGHT, _LEFT, _BOTTOM, _TOP = 220, 70, 34, 16, 6


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
        f"{format_date(d, 'MMM yyyy', locale=language)}: {format_value(language, kind, v)}"
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
        "top_label": format_value(language, kind, top),
        "zero_label": format_value(language, kind, 0),
        "first_label": format_date(days[0], "MMM yy", locale=language),
        "last_label": format_date(days[-1], "MMM yy", locale=language),
        "description": described,
    }


def dashboard_figures(
    language: Language,
    rows: list[Row],
    history: list[list[Row]],
    days: list[date],
    targets: dict[str, Target],
) -> dict[str, Figure]:
    """Each indicator of `rows` as a tile shows it, with its target and its trend over
    `days` (`history` holds one table per day)."""
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
            shown=format_value(language, indicator.kind, value),
            numerator=row.numerator,
            denominator=row.denominator,
            target=target,
            target_shown=None
            if target is None
            else format_value(language, indicator.kind, target.value),
            progress=None if target is None or value is None else target.progress(value),
            met=None if target is None or value is None else target.met(value),
            trend=_trend(language, indicator.kind, days, [p.get(row.indicator_id) for p in past]),
        )
    return figures


def work_package_groups(
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


def filter_options(language: Language, filters: Filters) -> list[dict[str, Any]]:
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
