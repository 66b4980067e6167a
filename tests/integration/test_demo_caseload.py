"""The done-when tests that read a demo caseload on the real stack share one (`stack`, a
`pathways up` seeded by `pathways demo`, tests/integration/demo_stack.py): issue 8's privacy
scan (tests/integration/privacy_scan.py), and issue 7's indicators (their pages read by
tests/integration/demo_indicators.py).

Issue 7, done when: with the demo caseload, the coordinator's dashboard shows every
indicator of the seed with its target, the as-of date picker changes the figures
consistently, and the XLSX opens with the same numbers.

On the real stack (`pathways up`, `pathways demo`), as Cora (the demo coordinator) reads it
over HTTP and in Chromium on a phone:

- every indicator of the catalogue has its figure on /indicators, and each one with a target
  shows it (the baseline figures have none: they sit beside their exit figure's);
- each figure is its drill-down's: the weights of the pathways listed add up to it;
- /indicators.xlsx holds the same numbers, except the cells of 1 to 4 people, left blank
  (the screen, inside the project, shows them); the funder report prints the XLSX's values;
- the as-of picker: the demo records everything now, so as of yesterday (recording time)
  nothing is known yet. A pathway then recorded with every business date back-dated to
  yesterday moves today's figures by exactly its facts and leaves yesterday's as they were.

A phone-width screenshot of the dashboard goes to tests/browser/artifacts/.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from openpyxl import load_workbook
from playwright.async_api import ViewportSize, async_playwright, expect

from domain.indicators import CATALOGUE
from domain.indicators.outcome_catalogue import OUTCOMES
from infra.indicators.targets import load_grant
from tests.browser.conftest import ARTIFACTS, CHROMIUM
from tests.integration.conftest import REPO, in_process
from tests.integration.demo_indicators import (
    LANGUAGE,
    THRESHOLD,
    DrillDown,
    Shown,
    caught_up,
    dashboard,
    drill_down,
    expected_cells,
    exported,
    figures,
    ratio,
    tile,
)
from tests.integration.demo_stack import DemoStack, demo_stack
from tests.integration.privacy_scan import no_personal_data_in_clear
from tests.integration.test_up_web import sign_in
from tests.web.indicator_figures import report_cell as report_value
from web.pages.render import DISPLAY_TIMEZONE
from web.reports.funder_report import format_value
from workers.demo_accounts import DEMO_PASSWORD

pytestmark = pytest.mark.integration

DEMO_COUNT = 20
DEMO_SEED = 7
"""A caseload with figures of every size: 0, 1 to 4 (blank in the XLSX) and 5 or more."""
WALK = REPO / "examples" / "walkthrough"
PHONE: ViewportSize = {"width": 390, "height": 844}
LONGEST_RUN = timedelta(minutes=6)
"""The module's longest run, from the demo to the last figure read, at a load of 10."""

# What the walkthrough's first three steps add (01 open: a woman; 02 baseline: inactive,
# housing hardship, social marginality, no digital skills, self-esteem 19; 03 the skills
# assessment): (numerator, denominator) per indicator; every other figure stays.
LATE_PATHWAY = {
    "skills_assessed": (1, None),
    "female_inactivity_baseline": (1, 1),
    "housing_hardship_baseline": (1, 1),
    "social_marginality_baseline": (1, 1),
    "digital_skills_baseline": (0, 1),
    "self_esteem_baseline": (19, 1),
    "beneficiaries_reached": (1, None),
    "employed_baseline": (0, 1),  # inactive, in reception, no licence nor bicycle
    "housing_autonomy_baseline": (0, 1),
    "mobility_autonomy_baseline": (0, 1),
}

OUTCOMES_OF_THE_DEMO = [
    i.indicator_id
    for i in OUTCOMES
    if i.moment != "baseline"
    and i.indicator_id not in ("exit_housing_social_housing", "exit_housing_cohousing")
]
"""The headline outcomes the demo's 20 pathways give a figure above 0 (none of its exits is
to social housing or cohousing; tests/workflows/test_demo.py checks all of them on 60)."""


WEIGHTED_COUNTS = {"minors_school_support", "group_events_held", "group_participations"}
"""Counts whose pathways weigh more than one: the minors of a household, the group activities
held on (or attended by) a pathway; their drill-down lists fewer pathways than the figure."""


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack() -> AsyncIterator[DemoStack]:
    """One stack and one demo for the module's tests, which only read them (the indicators
    test adds a pathway of its own, which no other figure nor scan depends on); at log
    level DEBUG, for the privacy scan. Its log holds no traceback once stopped."""
    # The figures are read by Italian day: a run across midnight would see two days.
    clock = datetime.now(DISPLAY_TIMEZONE)
    midnight = datetime.combine(clock.date() + timedelta(days=1), datetime.min.time(), clock.tzinfo)
    if midnight - clock < LONGEST_RUN:
        await asyncio.sleep((midnight - clock).total_seconds() + 1)
    data_dir = Path(tempfile.mkdtemp(prefix="pw", dir="/tmp"))
    try:
        async with demo_stack(data_dir, count=DEMO_COUNT, seed=DEMO_SEED, log_level="DEBUG") as s:
            await caught_up(s.database)
            yield s
        assert "Traceback" not in s.up.log(), s.up.log()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


async def test_no_personal_data_in_clear_after_a_demo_caseload(stack: DemoStack) -> None:
    """Issue 8's scan (tests/integration/privacy_scan.py), on this module's stack."""
    await no_personal_data_in_clear(stack, DEMO_SEED)


async def test_the_coordinator_reads_every_indicator_as_of_two_days_and_in_the_xlsx(
    stack: DemoStack,
) -> None:
    base, uri, env, workdir = stack.web, stack.database, stack.env, stack.data_dir

    async def ok_in_process(*args: str) -> str:
        """The back-dated pathway's commands in process (`in_process`), a start-up saved
        each: tests/integration/test_cli.py runs `open` and `command` as subprocesses."""
        ran = await in_process(*args, env=env)
        assert ran.code == 0, ran
        return ran.stdout.strip()

    targets = load_grant(None).targets
    async with httpx.AsyncClient(base_url=base, timeout=60) as cora:
        assert (await sign_in(cora, "cora", DEMO_PASSWORD)).status_code == 303
        default = await cora.get("/indicators")
        picked = re.search(r'id="ind-as-of" name="as_of" value="([\d-]+)"', default.text)
        assert default.status_code == 200 and picked, default.text
        today = date.fromisoformat(picked[1])  # the server's day, in Italian time
        yesterday = today - timedelta(days=1)
        page, now = await dashboard(cora, today)
        assert figures(default) == now
        _, before = await dashboard(cora, yesterday)

        # Every indicator with its target; the baseline figures beside their exit's.
        for indicator in CATALOGUE:
            target = targets.get(indicator.indicator_id)
            if target is None:
                (exit_,) = [i for i in CATALOGUE if i.paired_with == indicator.indicator_id]
                assert f'id="value-{indicator.indicator_id}"' in tile(page, exit_.indicator_id)
                continue
            text = tile(page, indicator.indicator_id)
            goal = format_value(LANGUAGE, indicator.kind, target.value)
            if indicator.kind == "count":
                assert f'<span class="muted">/ {goal}</span>' in text, text
            else:
                words = "al massimo" if target.direction == "at_most" else "almeno"
                if indicator.paired_with:  # beside its baseline
                    assert f"<dt>Obiettivo</dt> <dd>{words} {goal}" in text, text
                else:  # a rate of its own (the headline outcomes' shares)
                    assert f'<p class="muted">Obiettivo: {words} {goal}</p>' in text, text
        assert now["skills_assessed"].numerator >= THRESHOLD, "some figures are shown"
        assert any(
            0 < now[i.indicator_id].numerator < THRESHOLD for i in CATALOGUE if i.kind == "count"
        ), "some figures are blank in the XLSX"

        # The demo records everything now: as of yesterday, nothing was known yet.
        for indicator in CATALOGUE:
            was, is_ = before[indicator.indicator_id], now[indicator.indicator_id]
            assert was.numerator == 0 and was.denominator in (None, 0), indicator
            assert was.numerator <= is_.numerator

        # Each figure is its drill-down's, at both days.
        proofs: dict[str, DrillDown] = {}
        for day, shown in ((today, now), (yesterday, before)):
            for indicator in CATALOGUE:
                proof = await drill_down(cora, indicator.indicator_id, day)
                figure = shown[indicator.indicator_id]
                assert proof.text == figure.text, (indicator, day)
                if figure.denominator is None:
                    assert proof.weights.get("count", 0) == figure.numerator, indicator
                    if indicator.indicator_id not in WEIGHTED_COUNTS:
                        assert len(proof.pathways["count"]) == figure.numerator
                else:
                    assert proof.weights.get("numerator", 0) == figure.numerator, indicator
                    assert proof.weights.get("denominator", 0) == figure.denominator
                assert figure.text == format_value(
                    LANGUAGE,
                    indicator.kind,
                    ratio(indicator, figure.numerator, figure.denominator),
                )
                if day == today:
                    proofs[indicator.indicator_id] = proof
        # The headline outcomes, each with the pathways (and events) behind it.
        for indicator_id in OUTCOMES_OF_THE_DEMO:
            assert now[indicator_id].numerator > 0, indicator_id
            role = "count" if now[indicator_id].denominator is None else "numerator"
            assert proofs[indicator_id].pathways[role], indicator_id

        # The XLSX: the screen's numbers, cells of 1 to 4 people blank.
        download = await cora.get("/indicators.xlsx", params={"as_of": today.isoformat()})
        assert download.status_code == 200, download.text
        (workdir / "indicators.xlsx").write_bytes(download.content)
        book = load_workbook(workdir / "indicators.xlsx", read_only=True)
        table = exported(list(book["Indicators"].iter_rows(values_only=True)))
        book.close()
        assert list(table) == [i.indicator_id for i in CATALOGUE]
        blank = 0
        for indicator in CATALOGUE:
            expected = expected_cells(
                indicator, now[indicator.indicator_id], proofs[indicator.indicator_id]
            )
            assert table[indicator.indicator_id] == expected, indicator
            blank += expected == (None, None, None) and now[indicator.indicator_id].numerator > 0
        assert blank, "the demo has small cells, blank in the XLSX"
        as_csv = await cora.get("/indicators.csv", params={"as_of": today.isoformat()})
        rows = list(csv.reader(io.StringIO(as_csv.text)))
        header = rows[0]
        for row in rows[1 : len(CATALOGUE) + 1]:
            cells = tuple(row[header.index(c)] for c in ("Valore", "Numeratore", "Denominatore"))
            # A rate of 0 is "0.0" in the CSV and 0 in the XLSX, which keeps no float type.
            assert tuple(None if c == "" else float(c) for c in cells) == tuple(
                None if c is None else float(c) for c in table[row[0]]
            ), row

        # The funder report: every indicator, the XLSX's values, the targets.
        report = await cora.get("/indicators/report", params={"as_of": today.isoformat()})
        assert report.status_code == 200, report.text
        for indicator in CATALOGUE:
            value = table[indicator.indicator_id][0]
            assert report_value(report.text, indicator.indicator_id, "value") == format_value(
                LANGUAGE, indicator.kind, value if isinstance(value, float | int) else None
            ), indicator

        # A pathway recorded now with every date of the past day: today moves, not yesterday.
        back_dated = datetime.combine(yesterday, datetime.min.time(), UTC) + timedelta(hours=11)
        steps = sorted(WALK.glob("0[1-3]-*.json"))
        pathway_id = await ok_in_process(
            *("open", "--actor", "anna", "--file", str(steps[0])),
            *("--occurred-at", back_dated.isoformat()),
        )
        for n, step in enumerate(steps[1:], start=1):
            await ok_in_process(
                *("command", pathway_id, "--actor", "anna", "--file", str(step)),
                *("--occurred-at", (back_dated + timedelta(minutes=n)).isoformat()),
            )
        await caught_up(uri)
        _, later = await dashboard(cora, today)
        _, still = await dashboard(cora, yesterday)
        assert still == before
        for indicator in CATALOGUE:
            numerator, denominator = LATE_PATHWAY.get(indicator.indicator_id, (0, None))
            was, is_ = now[indicator.indicator_id], later[indicator.indicator_id]
            assert is_.numerator == was.numerator + numerator, indicator
            if was.denominator is not None:
                assert is_.denominator == was.denominator + (denominator or 0), indicator
        assessed = await drill_down(cora, "skills_assessed", today)
        assert pathway_id in assessed.pathways["count"]
        assert (
            pathway_id
            not in (await drill_down(cora, "skills_assessed", yesterday)).pathways["count"]
        )

    await in_chromium(base, today, yesterday, later, before)


async def in_chromium(
    base: str, today: date, yesterday: date, now: dict[str, Shown], before: dict[str, Shown]
) -> None:
    """Cora on a phone: the dashboard fits its width, and the date picker changes the day."""
    async with async_playwright() as playwright:
        # --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        try:
            context = await browser.new_context(
                base_url=base,
                viewport=PHONE,
                locale="it-IT",
            )
            page = await context.new_page()
            await page.goto("/indicators")
            await expect(page).to_have_url(re.compile(r"/sign-in\?next="))
            await page.fill("#user_id", "cora")
            await page.fill("#password", DEMO_PASSWORD)
            await page.locator("form:has(#password) button[type=submit]").click()
            await expect(page).to_have_url(f"{base}/indicators")
            for indicator in CATALOGUE:
                figure = page.locator(f"#value-{indicator.indicator_id}")
                await expect(figure).to_have_text(now[indicator.indicator_id].text)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"the dashboard is {width} px wide on a phone"
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=ARTIFACTS / "indicators-phone.png", full_page=True)
            await page.screenshot(path=ARTIFACTS / "indicators-phone-first-screen.png")

            await page.fill("#ind-as-of", yesterday.isoformat())
            await page.locator("form.filters button.primary").click()  # "Mostra"
            await expect(page).to_have_url(re.compile(rf"as_of={yesterday.isoformat()}"))
            for indicator in CATALOGUE:
                figure = page.locator(f"#value-{indicator.indicator_id}")
                await expect(figure).to_have_text(before[indicator.indicator_id].text)
            await page.locator("#value-skills_assessed").click()
            await expect(page.locator("#figure")).to_have_text(before["skills_assessed"].text)
            await context.close()
        finally:
            await browser.close()
