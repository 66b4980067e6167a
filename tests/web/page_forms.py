"""The pages' forms filled in and sent as a browser would, and what a test checks behind them.

`submit` reads a page's forms (their hidden command id and CSRF token included), fills one
in and posts it to where it says; `step` and `measure_step` send a command from a pathway's
page. `state_of`, `version_of` and `today` read the pathway's stream and the server's day.
Used by tests/web/test_case_pages.py and the other page modules that work a case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from html.parser import HTMLParser
from typing import Any

import httpx

from domain.calendar import project_day
from domain.evolution import fold
from domain.stream import stream_id_for
from tests.web.test_pages import Site
from web.pages.form_input import flatten


class _Forms(HTMLParser):
    """Every form of a page: its action, method and the values a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, Any]] = {}
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._first = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get")}
            self._form["fields"] = {}
            self.forms[a.get("id") or f"form{len(self.forms)}"] = self._form
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
            self._first = True
        elif tag == "option" and self._select is not None:
            if "selected" in a or self._first:
                fields[self._select] = a.get("value", "")
            self._first = False
        elif tag == "textarea":
            self._textarea = a.get("name")
            fields[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(page: httpx.Response) -> dict[str, dict[str, Any]]:
    parser = _Forms()
    parser.feed(page.text)
    return parser.forms


async def submit(
    browser: httpx.AsyncClient,
    page: httpx.Response,
    form_id: str,
    values: Mapping[str, Any] | None = None,
) -> httpx.Response:
    """Fill in a form of `page` with `values` (flattened) on top of what it holds; send it."""
    forms = forms_of(page)
    assert form_id in forms, f"no form {form_id} in {sorted(forms)}"
    form = forms[form_id]
    data = dict(form["fields"])
    for name, value in flatten(dict(values or {})).items():
        data[name] = value
    if form["method"] == "get":
        return await browser.get(form["action"], params=data)
    return await browser.post(form["action"], data=data)


async def version_of(site: Site, pathway_id: str) -> int:
    return await site.harness.store.stream_version(stream_id_for(pathway_id))


async def state_of(site: Site, pathway_id: str) -> Any:
    return fold(await site.harness.store.read_stream(stream_id_for(pathway_id)))


async def today(site: Site) -> date:
    return project_day(await site.harness.env.get_current_time())


async def step(
    browser: httpx.AsyncClient, pathway_id: str, kind: str, values: Mapping[str, Any]
) -> httpx.Response:
    """Send one command from the pathway page's form; expect it accepted."""
    page = await browser.get(f"/pathways/{pathway_id}")
    assert page.status_code == 200, page.text
    reply = await submit(browser, page, f"form-{kind}", values)
    assert reply.status_code == 303, reply.text
    assert reply.headers["location"] == f"/pathways/{pathway_id}"
    return reply


async def measure_step(
    browser: httpx.AsyncClient, pathway_id: str, kind: str, choice: str, values: Mapping[str, Any]
) -> None:
    """Choose the measure on the pathway page, then fill in its own form."""
    page = await browser.get(f"/pathways/{pathway_id}")
    chooser = forms_of(page)
    chosen = await browser.get(chooser_action(chooser, kind), params={"choice": choice})
    assert chosen.status_code == 200, chosen.text
    reply = await submit(browser, chosen, f"form-{kind}", values)
    assert reply.status_code == 303, reply.text


def chooser_action(forms: dict[str, dict[str, Any]], kind: str) -> str:
    action = f"/commands/{kind}"
    found = [
        f["action"] for f in forms.values() if f["method"] == "get" and f["action"].endswith(action)
    ]
    assert found, f"no chooser for {kind}"
    return found[0]
