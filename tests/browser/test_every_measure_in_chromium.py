"""Every kind of measure, from the pages alone, on a desktop and a phone, in Italian and English.

One `pathways up` stack and one Chromium for the module; a browser context per person and
screen. On each of the four screens (1,280 and 390 px, Italian and English) a caseworker
opens a pathway, records the baseline and the assessment and proposes a plan of three kinds;
the supervisor approves it from her queue (the approvals, on every screen); the caseworker
starts each measure, records the progress its kind needs and completes it, and the page
shows it completed in the screen's language. The twelve kinds are split three a screen.
The flows run once per width and once per language: the payments (an economic support's
bill and a work grant's allowance, approved, exported in a SEPA batch and settled by the
bank statement), the two-person erasure of a closed pathway, and a password reset by the
link the mail sink received. A screenshot of each kind's completion and each flow's end is
kept under the artefacts' folder (tests/browser/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, StorageState, expect

from domain.calendar import project_day
from domain.measures.state import MeasureStatus
from tests.browser.flows import erase, pay, reset_password
from tests.browser.kinds import scripts
from tests.browser.stack import Stack
from tests.browser.walk import DESKTOP_EN, DESKTOP_IT, PHONE_EN, PHONE_IT, Person, Screen, person
from tests.scenarios import ASSESSMENT, CONDITION, OPEN

pytestmark = pytest.mark.integration

KINDS = {
    DESKTOP_IT: ("skills_assessment", "title_recognition", "economic_support"),
    PHONE_EN: ("work_grant", "training_course", "childcare"),
    DESKTOP_EN: ("mobility", "association_membership", "school_support"),
    PHONE_IT: ("self_employment_orientation", "social_event", "housing_placement"),
}
"""The kinds each screen drives: three each, the twelve in all."""

PAYS = (DESKTOP_IT, PHONE_EN)
ERASES = (PHONE_IT, DESKTOP_EN)
RESETS = {DESKTOP_EN: "davide", PHONE_IT: "matteo"}
"""The flows, once per width and once per language (the reset on an account of its own)."""


@pytest.fixture(scope="module")
def sessions() -> dict[str, StorageState]:
    """The sessions of the people signed in once through the form, by account."""
    return {}


@pytest.fixture
def contexts(chromium: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def test_the_screens_cover_the_catalogue_and_the_flows_each_width_and_language() -> None:
    script = scripts(project_day(datetime.now(UTC)))
    assert sorted(k for kinds in KINDS.values() for k in kinds) == sorted(script)
    paying = {screen for screen, kinds in KINDS.items() if any(script[k].pays for k in kinds)}
    assert paying == set(PAYS)
    for screens in (PAYS, ERASES, tuple(RESETS)):
        assert {s.width for s in screens} == {1280, 390}
        assert {s.language for s in screens} == {"it", "en"}


def open_pathway(anna: Person, kinds: tuple[str, ...], target: str) -> str:
    """Open Amina's pathway, record the baseline and the assessment, propose the plan."""
    page = anna.page
    page.goto("/pathways/new")
    opening = {
        k: v
        for k, v in OPEN.items()
        if k not in ("type", "pathway_id", "organisation_id", "caseworker_id")
    }
    anna.fill("#form-open_pathway", opening)
    page.locator("#form-open_pathway button[type=submit].primary").click()
    expect(page.locator("h1")).to_contain_text("Amina Diallo")
    pathway_id = page.url.rsplit("/", 1)[-1]
    anna.act("record_baseline", {"condition": CONDITION})
    anna.act("record_skills_assessment", {"assessment": ASSESSMENT["assessment"]})
    measures = [{"measure_id": f"{k}-1", "kind": k, "target_date": target} for k in kinds]
    anna.act("propose_plan", {"measures": measures})
    return pathway_id


def approve_plan(sara: Person, pathway_id: str, kinds: tuple[str, ...]) -> None:
    """The supervisor's queue lists the plan, its measures by name; she approves it."""
    page = sara.page
    page.goto("/approvals")
    plan = page.locator(f'form[action="/pathways/{pathway_id}/commands/approve_plan"]')
    for kind in kinds:
        expect(page.locator("main")).to_contain_text(sara.screen.kind_name(kind))
    sara.shoot("approvals-plan")
    plan.locator("button").click()
    expect(plan).to_have_count(0)


def drive(anna: Person, kind: str, stack: Stack, sara: Person, adele: Person) -> None:
    """Start the measure of `kind`, record its progress, (pay it,) complete it."""
    script = scripts(project_day(datetime.now(UTC)))[kind]
    measure_id = f"{kind}-1"
    anna.act("start_measure", {"details": script.details}, choice=measure_id)
    anna.measure_is(kind, MeasureStatus.ACTIVE)
    for progress_kind, values in script.steps:
        anna.act(
            "record_measure_progress",
            {"progress": values},
            choice=f"{measure_id} {progress_kind}",
        )
    if script.pays:
        pay(anna, sara, adele, stack, measure_id)
    anna.act("complete_measure", {"outcome": script.outcome}, choice=measure_id)
    anna.measure_is(kind, MeasureStatus.COMPLETED)
    anna.shoot(f"completed-{kind}")


@pytest.mark.parametrize("screen", list(KINDS), ids=lambda s: s.name)
def test_kinds_from_opening_to_completion(
    chromium: Browser,
    contexts: list[BrowserContext],
    stack: Stack,
    artifacts: Path,
    sessions: dict[str, StorageState],
    screen: Screen,
) -> None:
    def signed_in(who: str) -> Person:
        return person(chromium, contexts, stack.base_url, who, screen, artifacts, sessions)

    kinds = KINDS[screen]
    anna, sara, adele = signed_in("anna"), signed_in("sara"), signed_in("adele")
    pathway_id = open_pathway(
        anna, kinds, (project_day(datetime.now(UTC)) + timedelta(days=365)).isoformat()
    )
    approve_plan(sara, pathway_id, kinds)
    anna.page.goto(f"/pathways/{pathway_id}")
    for kind in kinds:
        drive(anna, kind, stack, sara, adele)
    if screen in ERASES:
        erase(anna, sara, adele, pathway_id)
    if screen in RESETS:
        reset_password(chromium, contexts, stack, RESETS[screen], screen, artifacts)
