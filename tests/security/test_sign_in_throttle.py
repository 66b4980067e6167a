"""Sign-in throttling as an attacker meets it: guessing one person's password slows the
guesser down, never the person; the address the throttle counts is the socket's peer, or
what a configured proxy says it is, never what a client claims in `X-Forwarded-For`."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio
import structlog
import uvicorn
from fastapi import FastAPI
from pydantic import ValidationError

from client.pathway import PathwayClient
from infra.accounts.throttle import InMemorySignInThrottle, ThrottlePolicy
from infra.config import Settings
from infra.eventstore.memory import InMemoryEventStore
from tests.web.conftest import web_settings
from tests.web.staff import PASSWORD, staffed_accounts
from tests.web.test_sign_in_security import CSRF_INPUT, WRONG, Clock, Site
from tests.web_app import create_test_app

POLICY = ThrottlePolicy(pair_failures=3, client_failures=8)
"""Lower limits than the shipped ones (5 and 20), the same rules: fewer slow hashes."""
PEOPLE = ("anna", "luca", "sara", "marco", "marta", "paolo", "cora", "aldo", "adele")


async def make_site(*trusted_proxies: str) -> Site:
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]
        InMemoryEventStore(),
        await staffed_accounts(),
        web_settings(auth_clock=clock, trusted_proxies=trusted_proxies),
        throttle=InMemorySignInThrottle(POLICY),
    )
    return Site(app, clock)


@pytest_asyncio.fixture(loop_scope="session")
async def site() -> Site:
    return await make_site()


async def attempt(
    browser: httpx.AsyncClient,
    user_id: str,
    password: str,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    form = await browser.get("/sign-in", headers=headers)
    token = CSRF_INPUT.search(form.text)
    assert token is not None
    return await browser.post(
        "/sign-in",
        data={"user_id": user_id, "password": password, "csrf_token": token.group(1)},
        headers=headers,
    )


async def signed_in(browser: httpx.AsyncClient) -> bool:
    return (await browser.get("/")).status_code == 200


async def test_fifty_wrong_passwords_from_one_address_do_not_lock_the_person_out(
    site: Site,
) -> None:
    async with site.browser("198.51.100.66") as attacker:
        answers = [(await attempt(attacker, "anna", WRONG)).status_code for _ in range(50)]
        assert answers[:3] == [401] * 3
        assert set(answers[3:]) == {429}  # the guesser is slowed down ...
        assert (await attempt(attacker, "anna", PASSWORD)).status_code == 429
    async with site.browser("10.0.0.1") as office:  # ... anna, at her desk, is not
        assert (await attempt(office, "anna", PASSWORD)).status_code == 303
        assert await signed_in(office)


async def test_the_delay_for_one_person_at_one_address_grows(site: Site) -> None:
    async with site.browser("10.0.0.2") as browser:
        for _ in range(3):
            assert (await attempt(browser, "sara", WRONG)).status_code == 401
        first = await attempt(browser, "sara", PASSWORD)
        assert first.status_code == 429
        assert 'data-code="too_many_attempts"' in first.text
        assert 0 < int(first.headers["retry-after"]) <= 15 * 60
        site.clock.advance(minutes=16)
        for _ in range(3):
            await attempt(browser, "sara", WRONG)
        second = await attempt(browser, "sara", PASSWORD)
        assert second.status_code == 429
        assert 15 * 60 < int(second.headers["retry-after"]) <= 30 * 60
        site.clock.advance(minutes=31)
        assert (await attempt(browser, "sara", PASSWORD)).status_code == 303


async def test_the_limit_per_address_holds_across_accounts(site: Site) -> None:
    async with site.browser("198.51.100.20") as attacker:
        for number in range(8):  # two tries each at most: no pair reaches its own limit
            assert (await attempt(attacker, PEOPLE[number % 5], WRONG)).status_code == 401
        refused = await attempt(attacker, "cora", PASSWORD)
        assert refused.status_code == 429
        assert 'data-code="too_many_attempts"' in refused.text
    async with site.browser("10.0.0.3") as elsewhere:
        assert (await attempt(elsewhere, "cora", PASSWORD)).status_code == 303


async def test_x_forwarded_for_from_a_client_that_is_not_a_proxy_is_ignored(
    site: Site,
) -> None:
    async with site.browser("198.51.100.30") as attacker:
        for number in range(8):
            fake = {"X-Forwarded-For": f"203.0.113.{number}"}
            assert (await attempt(attacker, PEOPLE[number % 5], WRONG, fake)).status_code == 401
        rotated = {"X-Forwarded-For": "203.0.113.200"}
        assert (await attempt(attacker, "cora", PASSWORD, rotated)).status_code == 429


async def test_x_forwarded_for_from_a_configured_proxy_names_the_client() -> None:
    site = await make_site("10.9.9.9", "10.8.0.0/16")
    async with site.browser("10.9.9.9") as proxy:
        attacker = {"X-Forwarded-For": "198.51.100.40"}
        for number in range(8):
            assert (await attempt(proxy, PEOPLE[number % 5], WRONG, attacker)).status_code == 401
        assert (await attempt(proxy, "cora", PASSWORD, attacker)).status_code == 429
        # The proxy's other clients are other addresses: they sign in as usual.
        colleague = {"X-Forwarded-For": "192.0.2.7"}
        assert (await attempt(proxy, "cora", PASSWORD, colleague)).status_code == 303
    async with site.browser("10.8.4.4") as second_proxy:  # a trusted network
        assert (await attempt(second_proxy, "cora", PASSWORD, attacker)).status_code == 429


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """The app on uvicorn as `pathways up` and `pathways web` serve it, on 127.0.0.1."""
    from workers.web_services import web_server_config

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(web_server_config(app))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            assert not task.done(), "uvicorn stopped while starting"
            await asyncio.sleep(0.01)
        host, port = listener.getsockname()
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
        listener.close()


async def test_the_served_app_ignores_x_forwarded_for_even_from_loopback() -> None:
    """Uvicorn trusts `X-Forwarded-For` from 127.0.0.1 unless told not to; a process on
    the same machine (or a proxy that passes the header on) must not pick its address."""
    site = await make_site()
    async with served(site.app) as url, httpx.AsyncClient(base_url=url) as attacker:
        for number in range(8):
            fake = {"X-Forwarded-For": f"203.0.113.{number}"}
            assert (await attempt(attacker, PEOPLE[number % 5], WRONG, fake)).status_code == 401
        rotated = {"X-Forwarded-For": "203.0.113.200"}
        assert (await attempt(attacker, "cora", PASSWORD, rotated)).status_code == 429


async def test_the_served_app_honours_a_proxy_named_in_the_settings() -> None:
    site = await make_site("127.0.0.1")
    async with served(site.app) as url, httpx.AsyncClient(base_url=url) as proxy:
        attacker = {"X-Forwarded-For": "198.51.100.50"}
        for number in range(8):
            await attempt(proxy, PEOPLE[number % 5], WRONG, attacker)
        assert (await attempt(proxy, "cora", PASSWORD, attacker)).status_code == 429
        colleague = {"X-Forwarded-For": "192.0.2.8"}
        assert (await attempt(proxy, "cora", PASSWORD, colleague)).status_code == 303


async def test_throttled_attempts_and_lockouts_are_logged_without_passwords(
    site: Site,
) -> None:
    with structlog.testing.capture_logs() as logs:
        async with site.browser("198.51.100.70") as attacker:
            for _ in range(4):
                await attempt(attacker, "marta", WRONG)
    events = [entry["event"] for entry in logs]
    assert "sign_in_locked" in events
    locked = next(e for e in logs if e["event"] == "sign_in_locked")
    assert locked["account_id"] == "marta" and locked["address"] == "198.51.100.70"
    refused = [e for e in logs if e.get("reason") == "too_many_attempts"]
    assert refused and refused[0]["address"] == "198.51.100.70"
    assert WRONG not in repr(logs)


def test_a_trusted_proxy_that_is_not_an_address_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(trusted_proxies="10.0.0.5, proxy.example")
    assert Settings(trusted_proxies=" 10.0.0.5, 10.1.0.0/16").trusted_proxy_list == (
        "10.0.0.5",
        "10.1.0.0/16",
    )
    assert Settings().trusted_proxy_list == ()
