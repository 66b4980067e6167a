"""The pages: sign-in, the language switch and "my day", as a browser with cookies sees them."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio
from babel.dates import format_date
from fastapi import FastAPI

from domain.projections import Notification, ReadModelUpdate
from domain.values import Role, Stage
from infra.accounts.store import InMemoryAccountStore
from tests.scenarios import OPEN
from tests.web.conftest import web_settings
from tests.web.staff import PASSWORD, STAFF, bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness
from web.app import SESSION_COOKIE
from web.pages.render import DISPLAY_TIMEZONE
from web.pages.routing import safe_next

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
GENERIC_FAILURE = "The user id or the password is not right"


@dataclass
class Site:
    """The app with its account store at hand, and a clock the test can move forward."""

    harness: Harness
    accounts: InMemoryAccountStore
    app: FastAPI
    skew: list[timedelta] = field(default_factory=lambda: [timedelta()])

    def browser(self, **headers: str) -> httpx.AsyncClient:
        """A fresh browser: its own cookie jar, redirects not followed."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://testserver",
            headers=headers,
        )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shared_site(served_harness: Harness) -> Site:
    """One app for the module (building one costs most of a second of CPU), on the module's
    server and store: each test opens pathways of its own and looks only for them."""
    accounts = await staffed_accounts()
    skew = [timedelta()]
    settings = web_settings(clock=lambda: datetime.now(UTC) + skew[0])
    app = create_test_app(served_harness.pathways, served_harness.store, accounts, settings)
    return Site(served_harness, accounts, app, skew)


@pytest_asyncio.fixture(loop_scope="session")
async def site(shared_site: Site) -> Site:
    """The module's app as a test finds it: its clock at today and the staff's language
    Italian (a test moves the one and switches the other)."""
    shared_site.skew[0] = timedelta()
    for person in STAFF:
        await shared_site.accounts.update_account(person, language="it")
    return shared_site


def csrf_of(page: httpx.Response) -> str:
    found = CSRF_INPUT.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def sign_in(browser: httpx.AsyncClient, user_id: str, next_path: str = "/") -> str:
    """Sign in through the form; the session's CSRF token for later forms."""
    form = await browser.get("/sign-in", params={"next": next_path})
    reply = await browser.post(
        "/sign-in",
        data={
            "user_id": user_id,
            "password": PASSWORD,
            "next": next_path,
            "csrf_token": csrf_of(form),
        },
    )
    assert reply.status_code == 303, reply.text
    return csrf_of(await browser.get("/"))


async def open_pathway(site: Site, caseworker_id: str, organisation_id: str) -> str:
    pathway_id = f"p-{uuid.uuid4().hex[:12]}"
    async with site.browser() as api:
        reply = await api.post(
            "/api/v1/pathways",
            json={
                **OPEN,
                "pathway_id": pathway_id,
                "caseworker_id": caseworker_id,
                "organisation_id": organisation_id,
                "command_id": f"c-{uuid.uuid4().hex[:12]}",
            },
            headers=bearer(caseworker_id),
        )
    assert reply.status_code == 201, reply.text
    return pathway_id


async def test_a_page_without_a_session_sends_to_the_sign_in_form(site: Site) -> None:
    async with site.browser() as browser:
        home = await browser.get("/")
        assert home.status_code == 303
        assert home.headers["location"] == "/sign-in?next=%2F"
        deeper = await browser.get("/", params={"stage": "active"})
        assert deeper.headers["location"] == "/sign-in?next=%2F%3Fstage%3Dactive"
        htmx = await browser.get("/", headers={"HX-Request": "true"})
        assert htmx.headers["HX-Redirect"] == "/sign-in?next=%2F"


async def test_signing_in_starts_a_session_and_goes_on_to_next(site: Site) -> None:
    async with site.browser() as browser:
        form = await browser.get("/sign-in", params={"next": "/?stage=active"})
        assert form.status_code == 200
        assert 'name="user_id"' in form.text and 'type="password"' in form.text
        reply = await browser.post(
            "/sign-in",
            data={
                "user_id": "anna",
                "password": PASSWORD,
                "next": "/?stage=active",
                "csrf_token": csrf_of(form),
            },
        )
        assert reply.status_code == 303
        assert reply.headers["location"] == "/?stage=active"
        assert csrf_of(await browser.get("/")) != csrf_of(form), "a fresh token per session"
        home = await browser.get("/")
        assert home.status_code == 200 and "Anna" in home.text
        again = await browser.get("/sign-in", params={"next": "/"})
        assert again.status_code == 303, "someone signed in skips the form"


@pytest.mark.parametrize(
    ("user_id", "password"),
    [("anna", "not the password"), ("nobody", PASSWORD), ("adele", PASSWORD + " ")],
)
async def test_wrong_credentials_get_one_generic_answer(
    site: Site, user_id: str, password: str
) -> None:
    async with site.browser(**{"Accept-Language": "en"}) as browser:
        form = await browser.get("/sign-in")
        reply = await browser.post(
            "/sign-in",
            data={"user_id": user_id, "password": password, "csrf_token": csrf_of(form)},
        )
        assert reply.status_code == 401
        assert GENERIC_FAILURE in reply.text
        assert password not in reply.text
        assert (await browser.get("/")).status_code == 303, "no session"


async def test_an_incomplete_form_is_a_bad_request(site: Site) -> None:
    async with site.browser() as browser:
        form = await browser.get("/sign-in")
        reply = await browser.post(
            "/sign-in", data={"user_id": "anna", "password": "", "csrf_token": csrf_of(form)}
        )
        assert reply.status_code == 400
        assert "Inserisci il tuo nome utente e la tua password." in reply.text
        assert 'value="anna"' in reply.text, "the user id is kept, the password never"


@pytest.mark.parametrize("token", [None, "forged-token"])
async def test_sign_in_without_the_forms_csrf_token_creates_no_session(
    site: Site, token: str | None
) -> None:
    async with site.browser() as browser:
        await browser.get("/sign-in")
        data = {"user_id": "anna", "password": PASSWORD}
        if token is not None:
            data["csrf_token"] = token
        reply = await browser.post("/sign-in", data=data)
        assert reply.status_code == 403
        assert (await browser.get("/")).status_code == 303


async def test_sign_out_needs_the_token_and_ends_the_session(site: Site) -> None:
    async with site.browser() as browser:
        token = await sign_in(browser, "anna")
        refused = await browser.post("/sign-out")
        assert refused.status_code == 403
        assert "text/html" in refused.headers["content-type"]
        assert (await browser.get("/")).status_code == 200, "still signed in"
        reply = await browser.post("/sign-out", data={"csrf_token": token})
        assert reply.status_code == 303 and reply.headers["location"] == "/sign-in"
        assert (await browser.get("/")).status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\r\nLocation: https://evil.example",
    ],
)
async def test_next_never_leaves_the_site(site: Site, target: str) -> None:
    assert safe_next(target) == "/"
    async with site.browser() as browser:
        form = await browser.get("/sign-in", params={"next": target})
        assert target not in form.text
        reply = await browser.post(
            "/sign-in",
            data={
                "user_id": "anna",
                "password": PASSWORD,
                "next": target,
                "csrf_token": csrf_of(form),
            },
        )
        assert reply.headers["location"] == "/"
        token = csrf_of(await browser.get("/"))
        switched = await browser.post(
            "/language", data={"language": "en", "next": target, "csrf_token": token}
        )
        assert switched.headers["location"] == "/"


async def test_the_language_switch_is_remembered_by_session_and_account(site: Site) -> None:
    await open_pathway(site, "anna", "org-lecce")
    async with site.browser() as browser:
        token = await sign_in(browser, "anna")
        italian = await browser.get("/")
        assert '<html lang="it">' in italian.text and "Accoglienza" in italian.text
        no_token = await browser.post("/language", data={"language": "en", "next": "/"})
        assert no_token.status_code == 403
        reply = await browser.post(
            "/language", data={"language": "en", "next": "/", "csrf_token": token}
        )
        assert reply.status_code == 303 and reply.headers["location"] == "/"
        english = await browser.get("/")
        assert '<html lang="en">' in english.text
        assert "Reception" in english.text and "Accoglienza" not in english.text
    account = await site.accounts.get_account("anna")
    assert account is not None and account.language == "en"
    async with site.browser() as elsewhere:
        await sign_in(elsewhere, "anna")
        assert '<html lang="en">' in (await elsewhere.get("/")).text, "the account remembers"


async def test_before_sign_in_the_browser_language_counts_and_the_switch_works(
    site: Site,
) -> None:
    async with site.browser(**{"Accept-Language": "en-GB,en;q=0.9,it;q=0.5"}) as browser:
        form = await browser.get("/sign-in")
        assert '<html lang="en">' in form.text and "Sign in" in form.text
        reply = await browser.post(
            "/language",
            data={"language": "it", "next": "/sign-in", "csrf_token": csrf_of(form)},
        )
        assert reply.status_code == 303
        assert "Accedi" in (await browser.get("/sign-in")).text
    async with site.browser(**{"Accept-Language": "de"}) as browser:
        assert '<html lang="it">' in (await browser.get("/sign-in")).text, "Italian by default"


async def test_my_day_shows_the_caseload_by_stage_in_both_languages(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    summary = await site.harness.store.caseload.get_summary(pathway_id)
    assert summary is not None and summary.next_deadline is not None
    due = summary.next_deadline.astimezone(DISPLAY_TIMEZONE).date()
    async with site.browser() as browser:
        token = await sign_in(browser, "anna")
        italian = (await browser.get("/")).text
        assert f'href="/pathways/{pathway_id}"' in italian
        assert "Accoglienza" in italian and "Prossime scadenze" in italian
        assert format_date(due, "medium", locale="it") in italian
        await browser.post("/language", data={"language": "en", "csrf_token": token})
        english = (await browser.get("/")).text
        assert "Reception" in english and "Next deadlines" in english
        assert format_date(due, "medium", locale="en") in english


async def test_my_day_shows_only_pathways_in_scope(site: Site) -> None:
    annas = await open_pathway(site, "anna", "org-lecce")
    lucas = await open_pathway(site, "luca", "org-lecce")
    martas = await open_pathway(site, "marta", "org-nardo")
    seen: dict[str, str] = {}
    for person in ("anna", "sara", "cora", "adele"):
        async with site.browser() as browser:
            await sign_in(browser, person)
            seen[person] = (await browser.get("/")).text
    assert annas in seen["anna"] and lucas not in seen["anna"] and martas not in seen["anna"]
    assert annas in seen["sara"] and lucas in seen["sara"] and martas not in seen["sara"]
    assert all(p in seen["cora"] for p in (annas, lucas, martas))
    assert not any(p in seen["adele"] for p in (annas, lucas, martas))
    assert "Gli amministratori gestiscono gli account" in seen["adele"]


async def test_my_day_shows_overdue_obligations_and_the_inbox(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    summary = await site.harness.store.caseload.get_summary(pathway_id)
    assert summary is not None and summary.next_deadline is not None
    reminder = Notification(
        notification_id=f"{pathway_id}:reminder",
        pathway_id=pathway_id,
        organisation_id="org-lecce",
        recipient_role=Role.CASEWORKER,
        recipient_id="anna",
        escalation=False,
        obligation_kind="baseline",
        obligation_id="baseline",
        measure_id=None,
        due_at=summary.next_deadline,
        created_at=summary.opened_at,
    )
    obligations = await site.harness.store.caseload.open_obligations(pathway_id=pathway_id)
    await site.harness.store.replace_read_models(
        ReadModelUpdate(
            summary=summary,
            obligations=tuple(o.obligation for o in obligations),
            notifications=(reminder,),
        )
    )
    site.skew[0] = timedelta(days=30)
    async with site.browser() as browser:
        await sign_in(browser, "anna")
        page = (await browser.get("/")).text
        assert "Registra la situazione di partenza" in page
        assert "scadenza superata" in page or "scadenze superate" in page
        assert "Sollecito" in page and "Nuovo" in page
    async with site.browser() as browser:
        await sign_in(browser, "luca")
        page = (await browser.get("/")).text
        assert pathway_id not in page, "neither anna's deadline nor her reminder"


async def test_the_static_files_are_served(site: Site) -> None:
    async with site.browser() as browser:
        htmx = await browser.get("/static/htmx.min.js")
        assert htmx.status_code == 200 and "htmx" in htmx.text
        assert (await browser.get("/static/pathways.css")).status_code == 200
        form = await browser.get("/sign-in")
        assert '<script src="/static/htmx.min.js"' in form.text
        assert 'hx-headers=\'{"X-CSRF-Token": "' + csrf_of(form) + "\"}'" in form.text
        assert SESSION_COOKIE in browser.cookies


async def test_pages_stay_out_of_the_openapi_document(site: Site) -> None:
    async with site.browser() as browser:
        paths = (await browser.get("/openapi.json")).json()["paths"]
    assert not {"/", "/sign-in", "/sign-out", "/language"} & set(paths)


def section(page: str, title_id: str) -> str:
    """The HTML of the page's section headed by `title_id`, up to the next section."""
    return page.split(f'id="{title_id}"', 1)[1].split("<section", 1)[0]


async def test_a_reminder_of_a_closed_pathway_is_not_pending_anywhere(site: Site) -> None:
    pathway_id = await open_pathway(site, "anna", "org-lecce")
    summary = await site.harness.store.caseload.get_summary(pathway_id)
    assert summary is not None and summary.next_deadline is not None
    reminder = Notification(
        notification_id=f"{pathway_id}:old-reminder",
        pathway_id=pathway_id,
        organisation_id="org-lecce",
        recipient_role=Role.CASEWORKER,
        recipient_id="anna",
        escalation=False,
        obligation_kind="baseline",
        obligation_id="baseline",
        measure_id=None,
        due_at=summary.next_deadline,
        created_at=summary.opened_at,
    )
    # Closed since: a closed pathway owes nothing (domain.obligations.owed).
    closed = summary.model_copy(update={"stage": Stage.CLOSED, "next_deadline": None})
    await site.harness.store.replace_read_models(
        ReadModelUpdate(summary=closed, obligations=(), notifications=(reminder,))
    )
    site.skew[0] = timedelta(days=90)
    async with site.browser() as browser:
        await sign_in(browser, "anna")
        day = (await browser.get("/")).text
        assert f"/pathways/{pathway_id}" not in section(day, "due-title"), "nothing overdue"
        assert f"/pathways/{pathway_id}" not in section(day, "inbox-title"), "nor pending"
        inbox = (await browser.get("/inbox")).text
        card = inbox.split(f"/pathways/{pathway_id}", 1)[0].rsplit("<li", 1)[1]
        assert "Non più dovuto" in card and "Scaduta" not in card
