"""Every page, as every role, at 1,280 px and at 390 px: no serious or critical WCAG 2.1 AA
violation that axe-core finds, and a keyboard reaches the main actions with a visible focus.

One stack and one browser for the module: a pathway with a proposed plan (Sara's approval
queue) and one with an approved plan whose work grant a partner's tutor follows, both
opened through the API; then each role's pages are read in Chromium and checked with
`tests/browser/axe.py`. See docs/web.md, "Accessibility".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from psycopg import sql
from psycopg.conninfo import make_conninfo

from domain.calendar import project_day
from domain.values import Role
from infra.accounts.credentials import hash_password
from infra.accounts.model import Account
from tests.browser.axe import assert_accessible
from tests.scenarios import ASSESSMENT, CONDITION, OPEN
from tests.web.live import LiveApp, live_app
from tests.web.staff import PASSWORD, bearer

WIDTHS = {"1280 px": {"width": 1280, "height": 900}, "390 px": {"width": 390, "height": 844}}
WORKSHOP = {"name": "Officina Rossi", "kind": "host_company", "city": "Lecce"}
TUTOR = "tutor-officina"
PAGES: dict[str, list[str]] = {
    "anna": [
        "/",
        "/caseload",
        "/pathways/new",
        "/inbox",
        "/group-activities/new",
        "/partners",
        "/account/password",
        "/search?q=Amina",
        "/pathways/{proposed}",
        "/pathways/{approved}",
        "/pathways/{approved}/history",
        "/pathways/{unknown}",
    ],
    "sara": [
        "/",
        "/approvals",
        "/team",
        "/team/reassign",
        "/team/import",
        "/payments",
        "/indicators",
        "/referrals",
        "/pathways/{approved}/erasure",
    ],
    "cora": ["/", "/caseload?stage=nonsense", "/duplicates", "/access-log", "/indicators/report"],
    "aldo": ["/", "/caseload", "/access-log", "/pathways/{approved}/history"],
    "adele": ["/", "/admin", "/admin/bank-account", "/admin/erasure", "/payments"],
    TUTOR: ["/partner", "/partner/assignments/{approved}/grant"],
}
"""The GET pages each role reaches from its menu and from a pathway (one refused, one 404)."""
SIGNED_OUT = ["/sign-in", "/password-reset", "/password-reset/not-a-token"]
REFUSED = {
    "signed out /password-reset/not-a-token": 404,
    "anna /pathways/{unknown}": 404,
    "cora /caseload?stage=nonsense": 422,
    "adele /admin/erasure": 404,
}
"""The pages that answer a refusal, read as error pages."""


def _send(http: httpx.Client, who: str, path: str, body: dict[str, Any]) -> Any:
    reply = http.post(path, json={"command_id": uuid.uuid4().hex, **body}, headers=bearer(who))
    assert reply.status_code in (200, 201), reply.text
    return reply.json()


def _open(http: httpx.Client, given_name: str, document: str, measure: str) -> str:
    """A pathway of Anna's with a proposed plan of one measure; its id."""
    pathway_id = f"p-{uuid.uuid4().hex[:8]}"
    beneficiary = {**OPEN["beneficiary"], "given_name": given_name, "document_number": document}
    opening = {**OPEN, "pathway_id": pathway_id, "beneficiary": beneficiary}
    _send(http, "anna", "/api/v1/pathways", opening)
    commands = f"/api/v1/pathways/{pathway_id}/commands"
    _send(http, "anna", commands, {"type": "record_baseline", "condition": CONDITION})
    _send(http, "anna", commands, ASSESSMENT)
    target = (project_day(datetime.now(UTC)) + timedelta(days=90)).isoformat()
    plan = [{"measure_id": measure, "kind": "work_grant", "target_date": target}]
    _send(http, "anna", commands, {"type": "propose_plan", "measures": plan})
    return pathway_id


@pytest.fixture(scope="module")
def site(postgres_uri: str) -> Iterator[LiveApp]:
    """The app on a database of its own, so that the pages PostgreSQL serves are read too."""
    name = f"axe_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_uri, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with live_app(make_conninfo(postgres_uri, dbname=name)) as app:
            yield app
    finally:
        with psycopg.connect(postgres_uri, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="module")
def pathways(site: LiveApp) -> dict[str, str]:
    """The ids the pages are read with: a proposed plan, an approved one, an unknown id."""
    with httpx.Client(base_url=site.base_url, timeout=30) as http:
        workshop = _send(http, "sara", "/api/v1/partners", WORKSHOP)
        contacts = f"/api/v1/partners/{workshop['id']}/contacts"
        contact = _send(http, "sara", contacts, {"name": "Marco Rossi", "role": "tutor"})
        tutor = Account(
            id=TUTOR,
            display_name="Marco Rossi",
            role=Role.PARTNER,
            organisation_id="org-lecce",
            contact_id=contact["id"],
        )
        site.run(site.accounts.create_account(tutor, hash_password(PASSWORD)))
        proposed = _open(http, "Amina", "PS1234567", "grant")
        approved = _open(http, "Fatou", "PS7654321", "grant")
        commands = f"/api/v1/pathways/{approved}/commands"
        _send(http, "sara", commands, {"type": "approve_plan"})
        link = {
            "type": "link_partner_contact",
            "measure_id": "grant",
            "contact_id": contact["id"],
        }
        _send(http, "anna", commands, link)
    return {"proposed": proposed, "approved": approved, "unknown": "p-00000000"}


@pytest.fixture(scope="module")
def browser_contexts(chromium: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _signed_in(
    chromium: Browser, opened: list[BrowserContext], site: LiveApp, who: str, width: str
) -> Page:
    context = chromium.new_context(
        base_url=site.base_url,
        viewport=WIDTHS[width],
        locale="it-IT",  # type: ignore[arg-type]
    )
    opened.append(context)
    page = context.new_page()
    page.goto("/sign-in")
    page.fill("#user_id", who)
    page.fill("#password", PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    expect(page.locator("#main")).to_be_attached()
    return page


def test_every_page_has_no_serious_violation_at_either_width(
    chromium: Browser,
    browser_contexts: list[BrowserContext],
    site: LiveApp,
    pathways: dict[str, str],
) -> None:
    found: list[str] = []
    statuses: dict[str, int] = {}
    context = chromium.new_context(base_url=site.base_url, locale="it-IT")
    browser_contexts.append(context)
    signed_out = context.new_page()
    for path in SIGNED_OUT:
        found += _at_both_widths(signed_out, path, "signed out", statuses, pathways)
    for who, paths in PAGES.items():
        page = _signed_in(chromium, browser_contexts, site, who, "1280 px")
        for path in paths:
            found += _at_both_widths(page, path, who, statuses, pathways)
    assert not found, "\n".join(found)
    assert {page: status for page, status in statuses.items() if status != 200} == REFUSED


def _at_both_widths(
    page: Page, path: str, who: str, statuses: dict[str, int], pathways: dict[str, str]
) -> list[str]:
    """The page at `path` checked at each width (the layout reflows; nothing is reloaded)."""
    response = page.goto(path.format(**pathways))
    assert response is not None
    statuses[f"{who} {path}"] = response.status
    found: list[str] = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
        try:
            assert_accessible(page, context=f"{who} {path} at {width}")
        except AssertionError as failure:
            found.append(str(failure))
    return found


FOCUS_STYLE = """() => {
  if (document.activeElement === document.body) return true;  // Tab left the page
  const s = getComputedStyle(document.activeElement);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return outline || s.boxShadow !== "none";
}"""
"""Whether the focused element draws a ring: an outline, or a shadow in its place."""
FOCUS_RULES = """() => [...document.styleSheets].flatMap(sheet => [...sheet.cssRules])
  .filter(rule => rule.selectorText && rule.selectorText.includes(":focus"))
  .map(rule => ({
    selector: rule.selectorText,
    outline: rule.style.outlineStyle || rule.style.outline,
    replaced: Boolean(rule.style.boxShadow || rule.style.borderColor),
  }))"""
"""The stylesheets' :focus and :focus-visible rules: what they do to the outline."""


def _tab_to(page: Page, selector: str, presses: int = 80) -> list[str]:
    """Press Tab until `selector` has the focus; every element passed without a ring."""
    unringed: list[str] = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        if not page.evaluate(FOCUS_STYLE):
            focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 60)")
            unringed.append(f"{page.url} {focused}")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return unringed
    raise AssertionError(f"{selector} not reached by {presses} presses of Tab on {page.url}")


def test_the_keyboard_reaches_the_main_actions_with_a_visible_focus(
    chromium: Browser,
    browser_contexts: list[BrowserContext],
    site: LiveApp,
    pathways: dict[str, str],
) -> None:
    context = chromium.new_context(base_url=site.base_url, viewport=WIDTHS["1280 px"])  # type: ignore[arg-type]
    browser_contexts.append(context)
    signed_out = context.new_page()
    signed_out.goto("/sign-in")
    rules = signed_out.evaluate(FOCUS_RULES)
    assert any(
        ":focus-visible" in r["selector"] and r["outline"] not in ("", "none") for r in rules
    ), rules
    assert not [
        r
        for r in rules
        if r["outline"] == "none" and not r["replaced"] and r["selector"] != "main:focus"
    ], rules
    unringed = _tab_to(signed_out, "a.skip-link")
    unringed += _tab_to(signed_out, "#user_id")
    unringed += _tab_to(signed_out, "#password")
    unringed += _tab_to(signed_out, "form:has(#password) button[type=submit]")

    anna = _signed_in(chromium, browser_contexts, site, "anna", "1280 px")
    anna.goto(f"/pathways/{pathways['approved']}")
    unringed += _tab_to(anna, "a.skip-link")
    anna.keyboard.press("Enter")
    assert anna.evaluate("() => document.activeElement.id") == "main"
    unringed += _tab_to(anna, "#action-start_measure > summary")
    anna.keyboard.press("Enter")
    expect(anna.locator("#action-start_measure")).to_have_attribute("open", "")
    unringed += _tab_to(anna, "#choice-start_measure")

    sara = _signed_in(chromium, browser_contexts, site, "sara", "390 px")
    sara.goto("/approvals")
    unringed += _tab_to(sara, "button.menu-toggle")
    unringed += _tab_to(
        sara, f'form[action="/pathways/{pathways["proposed"]}/commands/approve_plan"] button'
    )
    assert not unringed, f"focused without a visible ring: {unringed}"


def test_the_check_finds_what_it_looks_for(
    chromium: Browser, browser_contexts: list[BrowserContext]
) -> None:
    """A test that cannot fail is worse than none: axe on a page that breaks its rules."""
    context = chromium.new_context()
    browser_contexts.append(context)
    page = context.new_page()
    page.set_content(
        '<html lang="it"><head><title>x</title></head><body><main>'
        '<input type="text" name="q">'
        '<p style="color:#aaa;background:#fff">Poco contrasto</p>'
        "</main></body></html>"
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, context="a broken page")
    message = str(failure.value)
    assert "a broken page" in message
    assert "label (critical) at input" in message, message
    assert "color-contrast (serious) at p" in message, message
    page.set_content(
        '<html lang="it"><head><title>x</title></head><body><main>'
        '<label for="q">Cerca</label><input id="q" type="text" name="q">'
        "<p>Contrasto pieno</p></main></body></html>"
    )
    assert_accessible(page, context="a page that keeps the rules")
