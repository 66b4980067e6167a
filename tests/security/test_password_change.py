"""Changing a password as someone who fears it leaked: the change ends every other session
and revokes the API tokens (unless asked to keep them), on the self-service page and with
`pathways user passwd`; a change that is refused changes nothing."""

from __future__ import annotations

import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from client.pathway import PathwayClient
from infra.accounts.postgres import PostgresAccountStore
from infra.accounts.postgres_sessions import PostgresSessionRevocations
from infra.accounts.postgres_throttle import PostgresSignInThrottle
from infra.accounts.store import AccountStore, InMemoryAccountStore
from infra.db import open_pool
from infra.eventstore.memory import InMemoryEventStore
from tests.eventstore.conftest import database, postgres
from tests.integration.conftest import PATHWAYS, Ran, clean_environ, in_process, run
from tests.web.conftest import web_settings
from tests.web.staff import PASSWORD, add_staff, bearer
from tests.web_app import create_test_app
from web.app import SESSION_COOKIE

__all__ = ["database", "postgres"]

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
NEW = "a fresh passphrase, never leaked"
PAGE = "/account/password"


@dataclass
class Site:
    app: FastAPI
    accounts: AccountStore

    def browser(self, address: str = "10.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 4321))
        return httpx.AsyncClient(transport=transport, base_url="http://t")


def site_on(accounts: AccountStore, **stores: object) -> Site:
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        accounts,
        web_settings(),
        **stores,  # type: ignore[arg-type]
    )
    return Site(app, accounts)


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> Site:
    accounts = InMemoryAccountStore()
    await add_staff(accounts)
    return site_on(accounts)


def csrf_of(page: httpx.Response) -> str:
    found = CSRF_INPUT.search(page.text)
    assert found is not None, page.text
    return found.group(1)


async def sign_in(browser: httpx.AsyncClient, user_id: str, password: str) -> httpx.Response:
    form = await browser.get("/sign-in")
    return await browser.post(
        "/sign-in",
        data={"user_id": user_id, "password": password, "csrf_token": csrf_of(form)},
    )


async def signed_in_browser(site: Site, user_id: str, address: str) -> httpx.AsyncClient:
    browser = site.browser(address)
    assert (await sign_in(browser, user_id, PASSWORD)).status_code == 303
    return browser


async def is_signed_in(browser: httpx.AsyncClient) -> bool:
    home = await browser.get("/")
    if home.status_code == 303:
        assert home.headers["location"].startswith("/sign-in")
        return False
    assert home.status_code == 200
    return True


async def token_works(site: Site, user_id: str) -> bool:
    async with site.browser("10.0.0.99") as client:
        me = await client.get("/api/v1/me", headers=bearer(user_id))
    assert me.status_code in (200, 401), me.text
    return me.status_code == 200


async def password_works(site: Site, user_id: str, password: str) -> bool:
    async with site.browser("10.0.0.98") as browser:
        answer = await sign_in(browser, user_id, password)
    assert answer.status_code in (303, 401), answer.text
    return answer.status_code == 303


async def change(
    browser: httpx.AsyncClient,
    current: str = PASSWORD,
    new: str = NEW,
    again: str | None = None,
    *,
    keep_sessions: bool = False,
    csrf: bool = True,
) -> httpx.Response:
    form = await browser.get(PAGE)
    assert form.status_code == 200, form.text
    data = {
        "current_password": current,
        "new_password": new,
        "new_password_again": new if again is None else again,
    }
    if csrf:
        data["csrf_token"] = csrf_of(form)
    if keep_sessions:
        data["keep_sessions"] = "on"
    return await browser.post(PAGE, data=data)


def code_of(page: httpx.Response) -> str | None:
    found = re.search(r'data-code="([a-z_]+)"', page.text)
    return None if found is None else found.group(1)


async def test_a_change_on_the_page_ends_the_other_sessions_and_revokes_the_tokens(
    site: Site,
) -> None:
    office = await signed_in_browser(site, "anna", "10.0.0.1")
    phone = await signed_in_browser(site, "anna", "10.0.0.2")
    copied = office.cookies[SESSION_COOKIE]  # the cookie as a thief took it before the change
    assert await token_works(site, "anna")

    changed = await change(office)

    assert changed.status_code == 303 and changed.headers["location"].startswith(PAGE)
    assert await is_signed_in(office)  # the person who changed it carries on
    done = await office.get(changed.headers["location"])
    assert code_of(done) == "password_changed"
    assert not await is_signed_in(phone)
    async with site.browser("203.0.113.9") as thief:
        thief.cookies.set(SESSION_COOKIE, copied)
        assert not await is_signed_in(thief)
    assert not await token_works(site, "anna")
    assert await password_works(site, "anna", NEW)
    assert not await password_works(site, "anna", PASSWORD)
    assert await token_works(site, "luca")  # nobody else's
    await office.aclose()
    await phone.aclose()


async def test_keep_me_signed_in_elsewhere_keeps_the_sessions_and_tokens(site: Site) -> None:
    office = await signed_in_browser(site, "luca", "10.0.0.1")
    phone = await signed_in_browser(site, "luca", "10.0.0.2")

    changed = await change(office, keep_sessions=True)

    assert changed.status_code == 303
    assert await is_signed_in(office) and await is_signed_in(phone)
    assert await token_works(site, "luca")
    assert await password_works(site, "luca", NEW)
    await office.aclose()
    await phone.aclose()


@pytest.mark.parametrize(
    ("current", "new", "again", "status", "code"),
    [
        ("not my password at all", NEW, None, 403, "wrong_password"),
        (PASSWORD, NEW, "a fresh passphrase, never leakd", 400, "password_mismatch"),
        (PASSWORD, "password2026!", None, 400, "weak_password"),
        (PASSWORD, "", None, 400, "incomplete_form"),
        ("", NEW, None, 400, "incomplete_form"),
    ],
)
async def test_a_refused_change_changes_nothing(
    site: Site, current: str, new: str, again: str | None, status: int, code: str
) -> None:
    office = await signed_in_browser(site, "sara", "10.0.0.1")
    phone = await signed_in_browser(site, "sara", "10.0.0.2")

    refused = await change(office, current, new, again)

    assert refused.status_code == status, refused.text
    assert code_of(refused) == code
    assert NEW not in refused.text and PASSWORD not in refused.text
    assert await is_signed_in(office) and await is_signed_in(phone)
    assert await token_works(site, "sara")
    assert await password_works(site, "sara", PASSWORD)
    assert new == "" or not await password_works(site, "sara", new)
    await office.aclose()
    await phone.aclose()


async def test_a_change_without_the_forms_csrf_token_is_refused(site: Site) -> None:
    office = await signed_in_browser(site, "marco", "10.0.0.1")
    refused = await change(office, csrf=False)
    assert refused.status_code == 403 and code_of(refused) == "csrf_failed"
    assert await password_works(site, "marco", PASSWORD)
    assert await token_works(site, "marco")
    await office.aclose()


async def test_a_stolen_session_cannot_guess_the_current_password(site: Site) -> None:
    """Wrong current passwords count as failed sign-ins: a thief holding the session meets
    the same lockout as at the sign-in form."""
    thief = await signed_in_browser(site, "marta", "198.51.100.7")
    for _ in range(5):
        assert code_of(await change(thief, "guess " * 3)) == "wrong_password"
    locked = await change(thief, PASSWORD)
    assert locked.status_code == 429 and code_of(locked) == "too_many_attempts"
    assert await password_works(site, "marta", PASSWORD)
    await thief.aclose()


async def test_nobody_signed_in_is_sent_to_sign_in(site: Site) -> None:
    async with site.browser() as stranger:
        assert (await stranger.get(PAGE)).headers["location"].startswith("/sign-in")
        posted = await stranger.post(PAGE, data={"current_password": PASSWORD})
        assert posted.status_code == 303
    assert await password_works(site, "anna", PASSWORD)


@dataclass
class Installation:
    """A web app and the CLI on one migrated PostgreSQL database."""

    site: Site
    env: dict[str, str]
    workdir: Path

    async def passwd(self, *options: str, given: str = NEW) -> Ran:
        return await run(
            PATHWAYS,
            *("user", "passwd", "anna", "--password-stdin", *options),
            env=self.env,
            cwd=self.workdir,
            input=f"{given}\n",
            timeout=60,
        )


@pytest_asyncio.fixture(loop_scope="session")
async def installation(database: str) -> AsyncIterator[Installation]:
    pool = await open_pool(database, min_size=1, max_size=4)
    workdir = Path(tempfile.mkdtemp(prefix="pw", dir="/tmp"))
    try:
        accounts = PostgresAccountStore(pool)
        await add_staff(accounts)
        site = site_on(
            accounts,
            throttle=PostgresSignInThrottle(pool),
            session_revocations=PostgresSessionRevocations(pool),
        )
        env = clean_environ(PATHWAYS_DATABASE_URL=database, PATHWAYS_DATA_DIR=str(workdir))
        yield Installation(site, env, workdir)
    finally:
        await pool.close()


async def test_passwd_on_the_cli_ends_the_sessions_and_revokes_the_tokens(
    installation: Installation,
) -> None:
    site = installation.site
    browser = await signed_in_browser(site, "anna", "10.0.0.1")

    ran = await installation.passwd()

    assert ran.code == 0, ran
    assert "1 token revoked" in ran.stdout and "sessions ended" in ran.stdout, ran
    assert not await is_signed_in(browser)
    assert not await token_works(site, "anna")
    assert await password_works(site, "anna", NEW)
    assert not await password_works(site, "anna", PASSWORD)
    await browser.aclose()


async def test_passwd_keep_sessions_keeps_them(installation: Installation) -> None:
    site = installation.site
    browser = await signed_in_browser(site, "anna", "10.0.0.1")

    ran = await installation.passwd("--keep-sessions")

    assert ran.code == 0, ran
    assert await is_signed_in(browser)
    assert await token_works(site, "anna")
    assert await password_works(site, "anna", NEW)
    await browser.aclose()


async def test_passwd_refused_on_the_cli_changes_nothing(installation: Installation) -> None:
    site = installation.site
    browser = await signed_in_browser(site, "anna", "10.0.0.1")

    # In process, to save a start-up: the two tests above run the entry point itself.
    ran = await in_process(
        *("user", "passwd", "anna", "--password-stdin"),
        env=installation.env,
        input="password2026!\n",
    )

    assert ran.code == 2 and ran.stderr.startswith("error: weak_password: "), ran
    assert ran.stdout == ""
    assert await is_signed_in(browser)
    assert await token_works(site, "anna")
    assert await password_works(site, "anna", PASSWORD)
    await browser.aclose()


async def test_the_page_speaks_italian_and_english(site: Site) -> None:
    office = await signed_in_browser(site, "cora", "10.0.0.1")
    italian = await office.get(PAGE)
    assert "Cambia la tua password" in italian.text
    assert "Resta connesso sugli altri dispositivi" in italian.text
    english = await office.get(PAGE, headers={"Accept-Language": "en"})
    await office.post("/language", data={"language": "en", "csrf_token": csrf_of(english)})
    english = await office.get(PAGE)
    assert "Change your password" in english.text
    assert "Keep me signed in elsewhere" in english.text
    await office.aclose()
