"""The indicators of a running stack as the done-when test of issue 7 reads them
(tests/integration/test_demo_caseload.py): the dashboard's figures with their numerators
and denominators, a drill-down's pathways and weights, the XLSX's table, and the cells the
XLSX must hold for a figure of the screen (blank for fewer than `THRESHOLD` people).
`caught_up` waits until the indicator projector has every recorded event, so that what the
pages show is current.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date

import httpx
import psycopg

from domain.indicators import CATALOGUE, Indicator
from infra.accounts.model import Language
from infra.indicators.postgres_projection import PROJECTION
from web.i18n import translations
from web.reports.indicator_labels import ROLES_IN_FIGURE

THRESHOLD = 5
LANGUAGE: Language = "it"  # the demo accounts' language


@dataclass(frozen=True)
class Shown:
    """One figure of the dashboard: its text, and its numerator and denominator."""

    text: str
    numerator: int
    denominator: int | None


def whole(text: str) -> int:
    """A whole number as the page writes it (`1.234` in Italian)."""
    return int(re.sub(r"\D", "", text))


def ratio(indicator: Indicator, numerator: int, denominator: int | None) -> float | None:
    if denominator is None:
        return numerator
    return None if denominator == 0 else numerator / denominator


def figures(page: httpx.Response) -> dict[str, Shown]:
    """Every figure of the dashboard, by indicator id."""
    found: dict[str, Shown] = {}
    for match in re.finditer(
        r'id="value-([a-z0-9_]+)">([^<]*)</a>\s*'
        r'(?:<small class="muted">\(([\d.]+) / ([\d.]+)\)</small>)?',
        page.text,
    ):
        indicator_id, text, numerator, denominator = match.groups()
        found[indicator_id] = (
            Shown(text, whole(text), None)
            if numerator is None
            else Shown(text, whole(numerator), whole(denominator))
        )
    return found


async def dashboard(http: httpx.AsyncClient, day: date) -> tuple[httpx.Response, dict[str, Shown]]:
    """The dashboard as the date picker asks for it (`?as_of=`), and its figures."""
    page = await http.get("/indicators", params={"as_of": day.isoformat()})
    assert page.status_code == 200, page.text
    assert f'id="ind-as-of" name="as_of" value="{day.isoformat()}"' in page.text
    shown = figures(page)
    assert sorted(shown) == sorted(i.indicator_id for i in CATALOGUE), sorted(shown)
    for indicator_id, figure in shown.items():  # the trend line ends on the day's figure
        trend = re.search(rf'<title id="trend-{indicator_id}">[^<]*: ([^:<]*)</title>', page.text)
        if trend is not None:  # a baseline has no line of its own
            assert trend[1] == figure.text, (indicator_id, trend[1], figure)
    return page, shown


@dataclass(frozen=True)
class DrillDown:
    """The drill-down's figure and the pathways (and weights) it lists, by role."""

    text: str
    weights: dict[str, int]
    pathways: dict[str, set[str]]


async def drill_down(http: httpx.AsyncClient, indicator_id: str, day: date) -> DrillDown:
    page = await http.get(f"/indicators/{indicator_id}", params={"as_of": day.isoformat()})
    assert page.status_code == 200, page.text
    figure = re.search(r'<strong id="figure">([^<]*)</strong>', page.text)
    assert figure is not None, page.text
    gettext = translations(LANGUAGE).gettext
    role_of = {gettext(label): role for role, label in ROLES_IN_FIGURE.items()}
    weights: Counter[str] = Counter()
    pathways: dict[str, set[str]] = {role: set() for role in ROLES_IN_FIGURE}
    for pathway_id, role, weight in re.findall(
        r'<th scope="row"><a href="/pathways/[^"]+">([^<]+)</a></th>\s*'
        r"<td>([^<]+)</td>\s*<td>([^<]+)</td>",
        page.text,
    ):
        weights[role_of[role]] += whole(weight)
        pathways[role_of[role]].add(pathway_id)
    return DrillDown(figure.group(1), dict(weights), pathways)


def exported(sheet_rows: list[tuple[object, ...]]) -> dict[str, tuple[object, object, object]]:
    """(value, numerator, denominator) per indicator id of the XLSX's table."""
    header, *rows = sheet_rows
    assert header[:2] == ("Indicatore", "Linea di attività"), header
    at = {name: header.index(name) for name in ("Valore", "Numeratore", "Denominatore")}
    table = {}
    for row in rows:
        if row[0] is None:  # the empty row before the notes
            break
        table[str(row[0])] = (row[at["Valore"]], row[at["Numeratore"]], row[at["Denominatore"]])
    return table


def hidden(people: int) -> bool:
    return 0 < people < THRESHOLD


def expected_cells(indicator: Indicator, shown: Shown, proof: DrillDown) -> tuple[object, ...]:
    """What the XLSX must hold for a figure of the screen: the same numbers, or blanks for a
    cell of fewer than 5 people (people from the drill-down: a count of minors is not)."""
    if shown.denominator is None:
        people = len(proof.pathways["count"])
        return (None,) * 3 if hidden(people) else (shown.numerator, shown.numerator, None)
    counted, among = len(proof.pathways["numerator"]), len(proof.pathways["denominator"])
    blank = among < THRESHOLD or (
        indicator.kind == "rate" and (hidden(counted) or hidden(among - counted))
    )
    if blank:
        return (None,) * 3
    value = ratio(indicator, shown.numerator, shown.denominator)
    return (None if value is None else round(value, 4), shown.numerator, shown.denominator)


def tile(page: httpx.Response, indicator_id: str) -> str:
    found = re.search(
        rf'<li class="card indicator" id="tile-{indicator_id}">(.*?)</li>', page.text, re.S
    )
    assert found is not None, indicator_id
    return " ".join(found.group(1).split())


async def caught_up(uri: str, timeout: float = 30.0) -> None:
    """Wait until the indicator projector of `pathways up` has every recorded event."""
    deadline = time.monotonic() + timeout
    while True:
        async with await psycopg.AsyncConnection.connect(uri) as conn:
            cur = await conn.execute(
                "SELECT (SELECT coalesce(max(global_position), 0) FROM events),"
                " (SELECT coalesce(max(position), 0) FROM projection_positions WHERE name = %s)",
                (PROJECTION,),
            )
            row = await cur.fetchone()
        assert row is not None
        if row[0] == row[1]:
            return
        assert time.monotonic() < deadline, f"projector at {row[1]} of {row[0]} events"
        await asyncio.sleep(0.3)
