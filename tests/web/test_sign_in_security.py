"""Sign-in lockouts (per account and address, per client address, across web processes) and sessions
that end: after 8 hours, after 30 idle minutes, and for good at sign-out."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest_asyncio
from fastapi import FastAPI

from client.pathway import PathwayClient
from infra.accounts.postgres_sessions import PostgresSessionRevocations
from infra.accounts.postgres_throttle import PostgresSignInThrottle
from infra.db import open_pool
from infra.eventstore.memory import InMemoryEventStore
from tests.eventstore.conftest import database, postgres
from tests.web.conftest import web_settings
from tests.web.staff import PASSWORD, staffed_accounts
from tests.web_app import create_test_app
from web.app import SESSION_COOKIE

__all__ = ["database", "postgres"]

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
WRONG = "not the password at all"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Site:
    app: FastAPI
    clock: Clock

    def browser(self, address: str = "10.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app, client=(address, 4321))
        return httpx.AsyncClient(transport=transport, base_url="http://t")


async def make_app(clock: Clock, **stores: object) -> FastAPI:
    return create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        await staffed_accounts(),
        web_settings(auth_clock=clock),
        **stores,  # type: ignore[arg-type]
    )


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> AsyncIterator[Site]:
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    yield Site(await make_app(clock), clock)


async def attempt(browser: httpx.AsyncClient, user_id: str, password: str) -> httpx.Response:
    form = await browser.get("/sign-in")
    token = CSRF_INPUT.search(form.text)
    assert token is not None
    return await browser.post(
        "/sign-in", data={"user_id": user_id, "password": password, "csrf_token": token.group(1)}
    )


async def signed_in(browser: httpx.AsyncClient) -> bool:
    home = await browser.get("/")
    return home.status_code == 200


async def test_five_failures_lock_the_account_at_that_address_even_for_the_right_password(
    site: Site,
) -> None:
    async with site.browser() as browser:
        for _ in range(5):
            assert (await attempt(browser, "anna", WRONG)).status_code == 401
        locked = await attempt(browser, " ANNA", PASSWORD)
        assert locked.status_code == 429
        assert 'data-code="too_many_attempts"' in locked.text
        assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
        assert not await signed_in(browser)
        # Others sign in as before from there.
        assert (await attempt(browser, "luca", PASSWORD)).status_code == 303
    site.clock.advance(minutes=15)
    async with site.browser() as browser:
        assert (await attempt(browser, "anna", PASSWORD)).status_code == 303
        assert await signed_in(browser)


async def test_the_next_lockout_lasts_longer(site: Site) -> None:
    async with site.browser() as browser:
        for _ in range(5):
            await attempt(browser, "sara", WRONG)
        site.clock.advance(minutes=16)
        for _ in range(5):
            await attempt(browser, "sara", WRONG)
        locked = await attempt(browser, "sara", PASSWORD)
    assert locked.status_code == 429
    assert 15 * 60 < int(locked.headers["retry-after"]) <= 30 * 60


async def test_twenty_failures_from_one_address_lock_the_address(site: Site) -> None:
    people = ["anna", "luca", "sara", "marco", "marta"]
    async with site.browser("10.0.0.7") as browser:
        for attempt_number in range(20):
            await attempt(browser, people[attempt_number % 5], WRONG)
        assert (await attempt(browser, "cora", PASSWORD)).status_code == 429
    async with site.browser("10.0.0.8") as other:
        assert (await attempt(other, "cora", PASSWORD)).status_code == 303


async def test_the_lockout_holds_across_two_web_processes(database: str) -> None:
    pool = await open_pool(database, min_size=1, max_size=4)
    clock = Clock(datetime.now(UTC))
    try:
        shared = {
            "throttle": PostgresSignInThrottle(pool),
            "session_revocations": PostgresSessionRevocations(pool),
        }
        one = Site(await make_app(clock, **shared), clock)
        two = Site(
            await make_app(
                clock,
                throttle=PostgresSignInThrottle(pool),
                session_revocations=PostgresSessionRevocations(pool),
            ),
            clock,
        )
        async with one.browser() as first, two.browser() as second:
            for browser in (first, second, first, second, first):
                assert (await attempt(browser, "anna", WRONG)).status_code == 401
            assert (await attempt(second, "anna", PASSWORD)).status_code == 429
            async with two.browser("10.0.0.2") as elsewhere:
                assert (await attempt(elsewhere, "anna", PASSWORD)).status_code == 303
            # Signed out on one process, the same cookie is refused by the other.
            assert (await attempt(first, "luca", PASSWORD)).status_code == 303
            cookie = first.cookies[SESSION_COOKIE]
            second.cookies.set(SESSION_COOKIE, cookie)
            assert await signed_in(second)
            token = CSRF_INPUT.search((await first.get("/")).text)
            assert token is not None
            await first.post("/sign-out", data={"csrf_token": token.group(1)})
            second.cookies.set(SESSION_COOKIE, cookie)
            assert not await signed_in(second)
    finally:
        await pool.close()


async def test_a_session_ends_after_thirty_idle_minutes(site: Site) -> None:
    async with site.browser("10.1.0.1") as browser:
        assert (await attempt(browser, "marco", PASSWORD)).status_code == 303
        site.clock.advance(minutes=29)
        assert await signed_in(browser)
        site.clock.advance(minutes=29)  # 29 minutes after the last page: still on
        assert await signed_in(browser)
        site.clock.advance(minutes=31)
        home = await browser.get("/")
        assert home.status_code == 303 and home.headers["location"].startswith("/sign-in")


async def test_a_session_ends_eight_hours_after_sign_in_however_active(site: Site) -> None:
    async with site.browser("10.1.0.2") as browser:
        assert (await attempt(browser, "paolo", PASSWORD)).status_code == 303
        for _ in range(23):
            site.clock.advance(minutes=20)
            assert await signed_in(browser)
        site.clock.advance(minutes=20)  # 8 hours since sign-in
        assert not await signed_in(browser)


async def test_a_cookie_copied_before_sign_out_is_refused_after_it(site: Site) -> None:
    async with site.browser("10.1.0.3") as browser:
        assert (await attempt(browser, "marta", PASSWORD)).status_code == 303
        copied = browser.cookies[SESSION_COOKIE]
        token = CSRF_INPUT.search((await browser.get("/")).text)
        assert token is not None
        assert (
            await browser.post("/sign-out", data={"csrf_token": token.group(1)})
        ).status_code == 303
        assert not await signed_in(browser)
    async with site.browser("10.1.0.3") as thief:
        thief.cookies.set(SESSION_COOKIE, copied)
        assert not await signed_in(thief)
