"""How the browser tests use the pages, as people do: signed in, forms filled, state read.

A `Screen` is a width and a language: a browser context per person and screen, with the
viewport and the `Accept-Language` of that screen; where the account remembers another
language, the person presses the language switch of the footer. Each step waits for what
the page shows next, never for time. Each distinct page a person's screenshot is taken of
is checked with axe-core once per width (`tests.browser.axe`): the done-when's "0 serious or
critical violations on every page visited".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, StorageState, ViewportSize, expect

from domain.measures import CATALOGUE, MeasureKind
from domain.measures.state import MeasureStatus
from tests.browser.axe import assert_accessible
from web.i18n import translations
from web.pages.form_input import flatten
from web.pages.labels import MEASURE_STATUSES
from workers.demo_accounts import DEMO_PASSWORD


@dataclass(frozen=True)
class Screen:
    """A width and a language the pages are used in."""

    name: str
    width: int
    language: str

    @property
    def locale(self) -> str:
        return "it-IT" if self.language == "it" else "en-GB"

    def says(self, msgid: str) -> str:
        """What the pages say for `msgid` (an English msgid) in this screen's language."""
        return str(translations(self.language).gettext(msgid))  # type: ignore[arg-type]

    def kind_name(self, kind: str) -> str:
        """A measure kind as its cards name it ("Corso di formazione")."""
        return self.says(CATALOGUE[MeasureKind(kind)].labels.name)


DESKTOP_IT = Screen("desktop-it", 1280, "it")
DESKTOP_EN = Screen("desktop-en", 1280, "en")
PHONE_IT = Screen("phone-it", 390, "it")
PHONE_EN = Screen("phone-en", 390, "en")

INTERNAL = re.compile(r"\b[a-z]+_[a-z_]+\b")
"""A code of the rules (`work_grant`, `course_attendance`) that a person should not read."""


CHECKED: set[tuple[int, str]] = set()
"""(width, page) already checked with axe-core in this run: a page is checked once a width."""
IDS = re.compile(r"/[0-9a-f]{8}-[0-9a-f-]{27}|/[0-9a-f]{32}|/\d+")
"""The ids in a path, so that two pathways' pages are one page to check."""


class Person:
    """One of the staff, signed in on a screen of their own."""

    def __init__(self, page: Page, screen: Screen, artifacts: Path) -> None:
        self.page = page
        self.screen = screen
        self.artifacts = artifacts

    def shoot(self, name: str) -> None:
        """A full-page screenshot kept as a test artefact; no sideways scrolling on it."""
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        self.page.screenshot(
            path=str(self.artifacts / f"{self.screen.name}-{name}.png"), full_page=True
        )
        assert width <= self.screen.width, f"{name}: {width} px wide on {self.screen.name}"
        page = (self.screen.width, IDS.sub("/<id>", self.page.url.split("?")[0].split("#")[0]))
        if page not in CHECKED:
            CHECKED.add(page)
            assert_accessible(self.page, context=f"{name} on {self.screen.name}")

    def fill(self, form: str, values: Mapping[str, Any]) -> None:
        """Fill the fields of `form` named by the flattened `values`, as a person would."""
        page = self.page
        for name, value in flatten(dict(values)).items():
            field = page.locator(f'{form} [name="{name}"]')
            listed, _, index = name.rpartition(".")
            if index.isdigit() and field.count() == 0:  # a list shows another row on asking
                page.locator(f'{form} button[name=_add][value="{listed}"]').click()
            tag = field.evaluate("e => e.tagName.toLowerCase()")
            if tag == "select":
                field.select_option(value)
            elif field.get_attribute("type") == "checkbox":
                field.set_checked(value == "on")
            else:
                field.fill(value)

    def send(self, form: str) -> None:
        """Press the form's main button; expect it done (its notice), not refused."""
        page = self.page
        page.locator(f"{form} button[type=submit].primary").click()
        answer = page.locator(f".flash, [role=status], {form} [role=alert]").first
        expect(answer).to_be_visible()
        refused = page.locator(f"{form} [role=alert]")
        assert refused.count() == 0, f"{form} refused: {refused.first.inner_text()}"

    def act(self, kind: str, values: Mapping[str, Any], choice: str | None = None) -> None:
        """Open the action `kind` on the pathway page, choose its measure, fill it, send it."""
        page = self.page
        page.locator(f"#action-{kind} > summary").click()
        if choice is not None:
            page.locator(f"#choice-{kind}").select_option(choice)
            page.locator(f"#body-{kind} form.chooser button").click()
            expect(page.locator(f"#form-{kind}")).to_be_visible()
        self.fill(f"#form-{kind}", values)
        self.send(f"#form-{kind}")

    def measure_is(self, kind: str, status: MeasureStatus) -> None:
        """The card of the pathway's measure of `kind` shows its status, in words."""
        card = self.page.locator("li.card.measure", has_text=self.screen.kind_name(kind))
        expect(card).to_have_count(1)
        expect(card).to_have_class(re.compile(rf"\b{status.value}\b"))
        expect(card.locator(".badge").first).to_have_text(
            self.screen.says(MEASURE_STATUSES[status])
        )
        leaked = INTERNAL.findall(card.inner_text())
        assert not leaked, f"the {kind} card shows codes of the rules: {leaked}"


def person(
    browser: Browser,
    contexts: list[BrowserContext],
    base_url: str,
    who: str,
    screen: Screen,
    artifacts: Path,
    sessions: dict[str, StorageState],
) -> Person:
    """A browser context of its own for `who` on `screen`, signed in.

    The first time through the sign-in form; after that with the session it gave
    (`sessions`, by account), as a person's second device would be: signing in hashes the
    password, the slowest request of all.
    """
    viewport: ViewportSize = {"width": screen.width, "height": 900 if screen.width > 600 else 844}
    known = sessions.get(who)
    context = browser.new_context(
        base_url=base_url, viewport=viewport, locale=screen.locale, storage_state=known
    )
    context.set_default_timeout(15_000)
    contexts.append(context)
    page = context.new_page()
    page.goto("/")
    if known is None:
        expect(page).to_have_url(re.compile(r"/sign-in\?next="))
        page.fill("#user_id", who)
        page.fill("#password", DEMO_PASSWORD)
        page.locator("form:has(#password) button[type=submit]").click()
        sessions[who] = context.storage_state()
    expect(page).to_have_url(f"{base_url}/")
    if page.locator("html").get_attribute("lang") != screen.language:
        # The account's language wins over the browser's: the switch, as a person does.
        page.locator(f'button[name="language"][value="{screen.language}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", screen.language)
    return Person(page, screen, artifacts)
