"""A caseworker and a supervisor run a pathway in a real browser (Debian's Chromium).

Anna signs in, opens a pathway, records the baseline and the skills assessment and
proposes a plan; Sara approves it from her queue; Anna starts a measure; the history
timeline shows all of it; the pages render in Italian and in English, on a desktop and on
a phone. Screenshots of the main pages go to the `artifacts` folder (tests/browser/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from domain.calendar import project_day
from domain.stream import stream_id_for
from tests.scenarios import ASSESSMENT, CONDITION, OPEN
from tests.web.live import LiveApp
from tests.web.staff import PASSWORD
from web.pages.form_input import flatten

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def contexts(chromium: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    violations: list[str] = []
    VIOLATIONS.append(violations)
    yield opened
    for context in opened:
        context.close()
    VIOLATIONS.remove(violations)
    # The Content-Security-Policy blocked nothing the pages need (docs/web.md, Security).
    assert violations == []


VIOLATIONS: list[list[str]] = []
"""The console's Content-Security-Policy complaints of the running test."""


def person(
    chromium: Browser,
    contexts: list[BrowserContext],
    site: LiveApp,
    who: str,
    viewport: Mapping[str, int] = DESKTOP,
) -> Page:
    """A browser of its own for `who`, signed in through the form."""
    context = chromium.new_context(
        base_url=site.base_url,
        viewport=dict(viewport),  # type: ignore[arg-type]
        locale="it-IT",
    )
    contexts.append(context)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            VIOLATIONS[-1].append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    page.fill("#user_id", who)
    page.fill("#password", PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    expect(page).to_have_url(f"{site.base_url}/")
    return page


def fill(page: Page, form: str, values: Mapping[str, Any]) -> None:
    """Fill the fields of `form` named by the flattened `values`, as a person would."""
    for name, value in flatten(dict(values)).items():
        field = page.locator(f'{form} [name="{name}"]')
        tag = field.evaluate("e => e.tagName.toLowerCase()")
        kind = field.get_attribute("type")
        if tag == "select":
            field.select_option(value)
        elif kind == "checkbox":
            field.set_checked(value == "on")
        else:
            field.fill(value)


def act(page: Page, kind: str, values: Mapping[str, Any]) -> None:
    """Open the action on the pathway page, fill its form, send it; expect it done."""
    page.locator(f"#action-{kind} > summary").click()
    fill(page, f"#form-{kind}", values)
    page.locator(f"#form-{kind} button[type=submit].primary").click()
    expect(page.locator(".flash, [role=status]").first).to_be_visible()


def shoot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def test_reception_to_a_started_measure_in_chromium(
    chromium: Browser, contexts: list[BrowserContext], site: LiveApp, artifacts: Path
) -> None:
    today = project_day(datetime.now(UTC))
    in_days = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731

    anna = person(chromium, contexts, site, "anna")
    expect(anna.locator("html")).to_have_attribute("lang", "it")
    shoot(anna, artifacts, "my-day-it")

    anna.goto("/pathways/new")
    shoot(anna, artifacts, "new-pathway-it")
    opening = {
        k: v
        for k, v in OPEN.items()
        if k not in ("type", "pathway_id", "organisation_id", "caseworker_id")
    }
    fill(anna, "#form-open_pathway", opening)
    anna.locator("#form-open_pathway button[type=submit].primary").click()
    expect(anna.locator("h1")).to_contain_text("Amina Diallo")
    pathway_id = anna.url.rsplit("/", 1)[-1]

    act(anna, "record_baseline", {"condition": CONDITION})
    act(anna, "record_skills_assessment", {"assessment": ASSESSMENT["assessment"]})
    plan = {
        "measures": [
            {"measure_id": "italian", "kind": "training_course", "target_date": in_days(120)},
            {"measure_id": "bike", "kind": "mobility", "target_date": in_days(60)},
        ]
    }
    act(anna, "propose_plan", plan)
    expect(anna.locator("#action-approve_plan")).to_have_count(0)
    shoot(anna, artifacts, "pathway-proposed-it")

    sara = person(chromium, contexts, site, "sara")
    sara.goto("/approvals")
    expect(sara.locator("main")).to_contain_text("Amina")
    shoot(sara, artifacts, "approvals-it")
    sara.locator(f'form[action="/pathways/{pathway_id}/commands/approve_plan"] button').click()
    expect(sara.locator("main p.empty").first).to_contain_text("piano")

    anna.goto(f"/pathways/{pathway_id}")
    anna.locator("#action-start_measure > summary").click()
    anna.locator("#choice-start_measure").select_option("italian")
    anna.locator("#body-start_measure form.chooser button").click()
    details = {
        "details": {
            "subject": "italian_l2",
            "title": "Italiano A2",
            "provider": "CPIA Lecce",
            "planned_hours": 100,
            "start_on": in_days(0),
        }
    }
    fill(anna, "#form-start_measure", details)
    anna.locator("#form-start_measure button[type=submit].primary").click()
    expect(anna.locator(".flash, [role=status]").first).to_be_visible()
    shoot(anna, artifacts, "pathway-active-it")

    records = site.run(site.store.read_stream(stream_id_for(pathway_id)))
    types = [r.type for r in records]
    for expected in (
        "PathwayOpened",
        "BaselineRecorded",
        "SkillsAssessed",
        "PlanProposed",
        "PlanApproved",
        "MeasureStarted",
    ):
        assert any(t.startswith(expected[:8]) for t in types), (expected, types)

    sara.goto(f"/pathways/{pathway_id}/history")
    timeline = sara.locator("main")
    for who in ("Anna", "Sara"):
        expect(timeline).to_contain_text(who)
    expect(sara.locator("#history-results li, #history-results article")).to_have_count(
        len(records)
    )
    shoot(sara, artifacts, "history-it")

    sara.goto(f"/pathways/{pathway_id}/history?as_of={(today - timedelta(days=1)).isoformat()}")
    shoot(sara, artifacts, "history-as-of-it")

    # English: the language switch is remembered for the account.
    anna.goto(f"/pathways/{pathway_id}")
    anna.get_by_role("button", name="English").click()
    expect(anna.locator("html")).to_have_attribute("lang", "en")
    expect(anna.locator("main")).to_contain_text("Active")
    shoot(anna, artifacts, "pathway-active-en")


def test_pages_work_on_a_phone(
    chromium: Browser, contexts: list[BrowserContext], site: LiveApp, artifacts: Path
) -> None:
    sara = person(chromium, contexts, site, "sara", viewport=PHONE)
    width = sara.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no sideways scrolling on a phone"
    shoot(sara, artifacts, "my-day-phone-it")
    sara.goto("/inbox")
    shoot(sara, artifacts, "inbox-phone-it")
    sara.goto("/pathways/new")
    assert sara.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(sara, artifacts, "new-pathway-phone-it")
    # The caseload list: its filters folded until asked for, and no sideways scrolling.
    sara.goto("/caseload")
    filters = sara.locator("details.caseload-filters")
    expect(filters.locator("#f-stage")).to_be_hidden()
    filters.locator("summary").click()
    expect(filters.locator("#f-stage")).to_be_visible()
    assert sara.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(sara, artifacts, "caseload-phone-it")
    sara.fill("#header-search-q", "amina diallo")  # the search box of every header
    sara.press("#header-search-q", "Enter")
    expect(sara.locator("h1")).to_have_text("Cerca")
    expect(sara.locator("#search-page-q")).to_have_value("amina diallo")
    assert sara.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(sara, artifacts, "search-phone-it")


def test_the_approvals_fit_a_phone_and_the_menu_one_line_on_a_desktop(
    chromium: Browser, contexts: list[BrowserContext], site: LiveApp, artifacts: Path
) -> None:
    today = project_day(datetime.now(UTC))
    anna = person(chromium, contexts, site, "anna")
    anna.goto("/pathways/new")
    opening = {
        k: v
        for k, v in OPEN.items()
        if k not in ("type", "pathway_id", "organisation_id", "caseworker_id")
    }
    fill(anna, "#form-open_pathway", opening)
    anna.locator("#form-open_pathway button[type=submit].primary").click()
    expect(anna.locator("h1")).to_contain_text("Amina Diallo")
    act(anna, "record_baseline", {"condition": CONDITION})
    act(anna, "record_skills_assessment", {"assessment": ASSESSMENT["assessment"]})
    # A long note, with a word a phone cannot fit (an address) that must wrap all the same.
    note = (
        "Corso serale del CPIA, conciliato con gli orari del tirocinio: iscrizione su "
        "cpia-lecce.example.it/corsi-serali-italiano-per-stranieri-livello-a2-iscrizioni"
    )
    target = (today + timedelta(days=90)).isoformat()
    plan = {"measures": [{"kind": "training_course", "target_date": target, "description": note}]}
    act(anna, "propose_plan", plan)

    sara = person(chromium, contexts, site, "sara", viewport=PHONE)
    sara.goto("/approvals")
    expect(sara.locator("main")).to_contain_text("Corso di formazione (1)")
    assert sara.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    cell = sara.locator("table.plan td", has_text="conciliato con gli orari").first
    expect(cell).to_contain_text("livello-a2-iscrizioni")
    box = cell.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shoot(sara, artifacts, "approvals-phone-it")

    # The supervisor has the longest menu; on a desktop it stays on one line, each entry on
    # one line of text, and nothing of the header leaves the window.
    desk = person(chromium, contexts, site, "sara")
    boxes = desk.locator("#main-nav ul > li a").evaluate_all(
        "links => links.map(a => [a.getBoundingClientRect().top, a.getClientRects().length,"
        " a.getBoundingClientRect().right])"
    )
    shoot(desk, artifacts, "menu-desktop-it")
    assert len(boxes) >= 10 and len({top for top, _, _ in boxes}) == 1, boxes
    assert all(lines == 1 and right <= DESKTOP["width"] for _, lines, right in boxes), boxes
    assert desk.evaluate("() => document.documentElement.scrollWidth") <= DESKTOP["width"]
    who = desk.locator(".who").bounding_box()
    assert who is not None and who["x"] + who["width"] <= DESKTOP["width"]
