"""The Italian pages of a demo-like caseload show no English and no internal code.

One walk, in memory: the demo's pathways seeded through the workflows (time-skipping
server), then the main pages read as a caseworker, a supervisor and the coordinator. A
page fails when its visible text holds a word that only the catalogue's English msgids
use (a string left untranslated, or English passed through from elsewhere), a whole msgid
whose Italian differs (a string the template did not translate), an organisation id or a
measure id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from html.parser import HTMLParser

import httpx
import pytest

from domain.calendar import project_day
from domain.measures import MeasureKind
from infra.accounts.model import Organisation
from infra.budgets.file import load_budget
from infra.policy_file import load_demo_policy
from tests.eventstore.conftest import database, postgres
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web.test_indicators_page import Dashboard, dashboard, shared_dashboard
from tests.web.test_pages import sign_in
from tests.web.test_payments_pages import Office, office
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from web.i18n import translations
from workers.demo import seed_demo
from workers.demo_accounts import demo_organisations

WORD = re.compile(r"[A-Za-z][a-z]{3,}")
ALSO_ITALIAN = frozenset({"pathways", "email", "password", "account", "partner", "tutor"})
"""Words of English msgids that Italian uses as they are (and the product's name)."""
# /payments and /indicators read PostgreSQL (their services): walked on the payments' and
# the dashboard's databases (`office`, `dashboard`), below.
ORGANISATION_ID = re.compile(r"\borg-[a-z]+\b")
MEASURE_ID = re.compile(rf"\b(?:{'|'.join(k.value for k in MeasureKind)})-\d+\b")
PAGES = {
    "anna": ["/", "/caseload", "/inbox", "/partners"],
    "sara": ["/", "/caseload", "/inbox", "/approvals", "/team"],
    "cora": ["/", "/inbox", "/approvals"],
}
PATHWAY_PAGES = ("/pathways/{id}", "/pathways/{id}/history")
DATABASE_PAGES = {
    "sara": ["/payments", "/indicators"],
    "cora": ["/payments", "/payments?organisation=org-lecce", "/indicators"],
}

__all__ = ["dashboard", "database", "office", "postgres", "shared_dashboard"]


class _Text(HTMLParser):
    """The text a person reads: text nodes and the titles, placeholders and labels of tags."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0
        self._closing: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Scripts, styles and what is marked as another language (the language switch's
        # "English") are not Italian text.
        if tag in ("script", "style") or dict(attrs).get("lang") not in (None, "it"):
            self._hidden += 1
            self._closing.append(tag)
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._closing and tag == self._closing[-1]:
            self._closing.pop()
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@cache
def english_only() -> tuple[frozenset[str], tuple[str, ...]]:
    """Words only the English msgids use, and the msgids whose Italian is another text."""
    catalog = translations("it")._catalog  # type: ignore[attr-defined]
    italian_words = {w.lower() for text in catalog.values() for w in WORD.findall(str(text))}
    english = {
        w.lower()
        for msgid in catalog
        if isinstance(msgid, str) and msgid
        for w in WORD.findall(msgid)
    }
    whole = tuple(
        msgid
        for msgid, text in catalog.items()
        if isinstance(msgid, str) and len(msgid.split()) >= 3 and "%" not in msgid and msgid != text
    )
    return frozenset(english - italian_words - ALSO_ITALIAN), whole


def problems(path: str, html: str) -> list[str]:
    """What the page shows that an Italian reader should not see."""
    text = visible_text(html)
    words, whole = english_only()

    def where(match: re.Match[str]) -> str:
        return text[max(0, match.start() - 40) : match.end() + 20]

    found = [
        f"{path}: English word {m[0]!r} in …{where(m)}…"
        for m in WORD.finditer(text)
        if m[0].lower() in words
    ]
    found += [f"{path}: untranslated {m!r}" for m in whole if m in text]
    found += [
        f"{path}: organisation id {m[0]!r} in …{where(m)}…" for m in ORGANISATION_ID.finditer(text)
    ]
    found += [f"{path}: measure id {m[0]!r} in …{where(m)}…" for m in MEASURE_ID.finditer(text)]
    return found


def test_the_checks_catch_what_they_look_for() -> None:
    """A test that cannot fail is worse than none: each check, on a page that breaks it."""
    page = (
        "<p>Nessuna scadenza superata. <b>Work package</b> · org-lecce · training_course-1"
        "<span title='Plans to approve'></span></p><script>var follow = 'Follow-up';</script>"
    )
    found = " ".join(problems("/x", page))
    assert "English word 'Work'" in found and "English word 'package'" in found
    assert "untranslated 'Plans to approve'" in found
    assert "organisation id 'org-lecce'" in found and "measure id 'training_course-1'" in found
    assert problems("/x", '<button lang="en">English</button>') == [], "another language"
    assert "Follow" not in found, "scripts are not read"
    assert problems("/x", "<p>Corso di formazione (1) · Partner di Lecce</p>") == []


async def test_the_demos_pages_are_italian_and_show_names(harness: Harness) -> None:
    today = project_day(await harness.env.get_current_time())
    await harness.store.budget.apply_budget(
        load_budget(None), changed_by="test", changed_at=datetime.now(UTC), source="default"
    )
    accounts = await staffed_accounts()
    known = {o.id for o in await accounts.list_organisations()}
    for organisation in demo_organisations():
        if organisation.id not in known:
            await accounts.create_organisation(
                Organisation(id=organisation.id, name=organisation.name)
            )
    app = create_test_app(harness.pathways, harness.store, accounts, web_settings())
    async with harness.worker():
        seeded = await seed_demo(harness.pathways, today=today, count=12, policy=load_demo_policy())
    found: list[str] = []
    for person, paths in PAGES.items():
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as browser:
            await sign_in(browser, person)
            mine = [
                s.pathway_id
                for s in await harness.store.caseload.list_summaries(limit=1000)
                if s.pathway_id in seeded.pathway_ids
                and (person == "cora" or s.organisation_id == "org-lecce")
                and (person != "anna" or s.caseworker_id == "anna")
            ][:4]
            assert mine, f"{person} has demo pathways to read"
            pages = paths + [p.format(id=pathway_id) for pathway_id in mine for p in PATHWAY_PAGES]
            for path in pages:
                page = await browser.get(path)
                assert page.status_code == 200, (person, path, page.status_code)
                found += problems(path, page.text)
    assert not found, "\n".join(sorted(set(found)))


async def walk(browser_of: Callable[[], httpx.AsyncClient], read: set[str]) -> list[str]:
    """The problems of `DATABASE_PAGES`, as each person reads them; `read` gets the paths
    the app served."""
    found: list[str] = []
    for person, paths in DATABASE_PAGES.items():
        async with browser_of() as browser:
            await sign_in(browser, person)
            for path in paths:
                page = await browser.get(path)
                if page.status_code == 503:  # the other fixture's service: not this app's
                    continue
                assert page.status_code == 200, (person, path, page.status_code)
                read.add(path.split("?")[0])
                found += problems(path, page.text)
    return found


@pytest.mark.integration
async def test_the_payments_and_the_indicators_are_italian_and_show_names(
    office: Office, dashboard: Dashboard
) -> None:
    read: set[str] = set()
    found = await walk(office.browser, read) + await walk(dashboard.browser, read)
    assert read == {"/payments", "/indicators"}, read
    assert not found, "\n".join(sorted(set(found)))
