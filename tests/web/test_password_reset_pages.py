"""A forgotten password: a link by e-mail, one use, an hour; the form tells no one who exists.

In process, on the in-memory stores, with the root's resets mailing into a list; the clock of
sign-in and links is the test's.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import httpx
import pytest_asyncio
from fastapi import FastAPI

from activities.accounts.password_resets import PasswordResets
from client.pathway import PathwayClient
from infra.accounts.credentials import hash_password, token_digest
from infra.accounts.invitations import InvitationStore
from infra.accounts.model import Account
from infra.accounts.sessions import SessionRevocations
from infra.accounts.store import AccountStore, InMemoryAccountStore
from infra.eventstore.memory import InMemoryEventStore
from tests.web.conftest import web_settings
from tests.web.staff import PASSWORD, bearer, staffed_accounts, token_of
from tests.web.test_sign_in_security import CSRF_INPUT, Clock, attempt, signed_in
from tests.web_app import create_test_app

NEW_PASSWORD = "a quite different passphrase"
LINK = re.compile(r"http://testserver(/password-reset/\S+)")


@dataclass
class Site:
    app: FastAPI
    accounts: InMemoryAccountStore
    clock: Clock
    outbox: list[EmailMessage] = field(default_factory=list)

    def browser(self, address: str = "127.0.0.1") -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, client=(address, 4321)),
            base_url="http://testserver",
        )

    def links(self) -> list[str]:
        """The links mailed, each once (a mail gives it in Italian, then in English)."""
        return list(
            dict.fromkeys(m for mail in self.outbox for m in LINK.findall(mail.get_content()))
        )


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[Site]:
    accounts = await staffed_accounts()
    await accounts.create_account(
        Account(
            id="rita",
            display_name="Rita",
            role="caseworker",
            organisation_id="org-lecce",
            email="Rita@example.org",
        ),
        hash_password(PASSWORD),
    )
    expires = datetime.now(UTC) + timedelta(days=365)
    await accounts.add_token("rita", token_digest(token_of("rita")), "tests", expires)
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    outbox: list[EmailMessage] = []

    async def mail(message: EmailMessage) -> bool:
        outbox.append(message)
        return True

    def resetter(
        store: AccountStore, links: InvitationStore, sessions: SessionRevocations
    ) -> PasswordResets:
        return PasswordResets(store, links, sessions, "http://testserver", "pw@test", mail)

    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        accounts,
        web_settings(auth_clock=clock),
        password_resetter=resetter,
    )
    yield Site(app, accounts, clock, outbox)


async def ask(browser: httpx.AsyncClient, who: str) -> httpx.Response:
    form = await browser.get("/password-reset")
    assert form.status_code == 200, form.text
    token = CSRF_INPUT.search(form.text)
    assert token is not None
    return await browser.post("/password-reset", data={"who": who, "csrf_token": token.group(1)})


async def choose(
    browser: httpx.AsyncClient, path: str, password: str, again: str = ""
) -> httpx.Response:
    form = await browser.get(path)
    token = CSRF_INPUT.search(form.text)
    data = {"password": password, "password_again": again or password}
    return await browser.post(path, data={**data, "csrf_token": token.group(1) if token else ""})


async def test_a_link_by_mail_sets_a_new_password_once_and_ends_the_other_sessions(
    site: Site,
) -> None:
    async with site.browser() as elsewhere, site.browser() as browser:
        assert (await attempt(elsewhere, "rita", PASSWORD)).status_code == 303
        assert (await browser.get("/api/v1/me", headers=bearer("rita"))).status_code == 200
        sign_in = await browser.get("/sign-in")
        assert 'href="/password-reset"' in sign_in.text and "Password dimenticata?" in sign_in.text
        asked = await ask(browser, "rita@EXAMPLE.org")  # the address, as the person types it
        assert asked.status_code == 200 and 'id="reset-asked"' in asked.text
        (mail,) = site.outbox
        assert mail["To"] == "Rita@example.org"
        (path,) = site.links()
        assert token_digest(path.rsplit("/", 1)[1]) not in mail.get_content()

        weak = await choose(browser, path, "short")
        assert weak.status_code == 422 and 'data-code="weak_password"' in weak.text
        differ = await choose(browser, path, NEW_PASSWORD, "something else entirely")
        assert differ.status_code == 422 and 'data-code="passwords_differ"' in differ.text
        assert await site.accounts.password_hash("rita") is not None
        assert (await attempt(browser, "rita", PASSWORD)).status_code == 303  # unchanged
        browser.cookies.clear()

        done = await choose(browser, path, NEW_PASSWORD)
        assert done.status_code == 303 and done.headers["location"] == "/sign-in"
        assert not await signed_in(elsewhere), "the reset ends the other sessions"
        assert (await browser.get("/api/v1/me", headers=bearer("rita"))).status_code == 401
        assert (await attempt(browser, "rita", PASSWORD)).status_code != 303
        assert (await attempt(browser, "rita", NEW_PASSWORD)).status_code == 303
        browser.cookies.clear()

        reused = await choose(browser, path, "yet another long passphrase")
        assert reused.status_code == 404 and 'data-code="invitation_invalid"' in reused.text
    assert (await attempt(site.browser(), "rita", NEW_PASSWORD)).status_code == 303


async def test_the_form_answers_alike_for_no_account_and_mails_nothing(site: Site) -> None:
    async with site.browser() as browser:
        known = await ask(browser, "rita")
        for who in ("nobody", "nobody@example.org", "anna"):  # anna has no address
            unknown = await ask(browser, who)
            assert unknown.status_code == known.status_code == 200
            assert 'id="reset-asked"' in unknown.text and 'id="reset-asked"' in known.text
        assert len(site.outbox) == 1
        empty = await ask(browser, "  ")
        assert empty.status_code == 400 and 'data-code="incomplete_form"' in empty.text
        stale = await browser.post("/password-reset", data={"who": "rita"})
        assert stale.status_code == 403
    assert len(site.outbox) == 1


async def test_an_expired_link_is_refused_and_changes_nothing(site: Site) -> None:
    async with site.browser() as browser:
        await ask(browser, "rita")
        (path,) = site.links()
        site.clock.advance(hours=1, seconds=1)
        assert (await browser.get(path)).status_code == 404
        expired = await choose(browser, path, NEW_PASSWORD)
        assert expired.status_code == 404 and 'data-code="invitation_invalid"' in expired.text
        assert (await browser.get("/password-reset/not-a-link")).status_code == 404
    assert (await attempt(site.browser(), "rita", PASSWORD)).status_code == 303


async def test_too_many_links_for_one_name_or_from_one_client_pause_asking_alike(
    site: Site,
) -> None:
    """Five requests a name, twenty a client, within 15 minutes (`reset_keys`), known name
    or not: the sixth is 429 for both, mails nothing, and signing in is not paused."""
    async with site.browser("10.1.0.1") as first, site.browser("10.1.0.2") as second:
        for _ in range(5):
            assert (await ask(first, "rita")).status_code == 200
            assert (await ask(first, "nobody@example.org")).status_code == 200
        assert len(site.outbox) == 5
        known, unknown = await ask(second, "RITA"), await ask(second, "nobody@example.org")
        for refused in (known, unknown):
            assert refused.status_code == 429 and "Retry-After" in refused.headers
            assert 'data-code="too_many_requests"' in refused.text
            assert 'id="reset-asked"' not in refused.text
        assert len(site.outbox) == 5, "a refused request mails nothing"
        assert (await attempt(first, "rita", PASSWORD)).status_code == 303, "sign-in unpaused"

    async with site.browser("10.2.0.1") as office:
        for n in range(20):
            assert (await ask(office, f"someone-{n}")).status_code == 200
        assert (await ask(office, "someone-new")).status_code == 429

    site.clock.advance(minutes=16)
    async with site.browser("10.1.0.3") as later:
        assert (await ask(later, "rita")).status_code == 200
    assert len(site.outbox) == 6
