"""The indicator dashboard page as a coordinator gets it, timed cold and warm.

The real FastAPI app (httpx ASGI transport) on the bench's database, with in-memory
accounts: the organisations and a coordinator, signed in through the form. Cold runs each
follow a restart of PostgreSQL (empty shared buffers, no cached plan, a new connection and
app); the operating system's page cache is left as it is (dropping it needs root and
would slow every other tenant of the machine), so "cold" is PostgreSQL's cold.
"""

from __future__ import annotations

import asyncio
import functools
import re
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.figures import percentiles
from client.pathway import PathwayClient
from domain.values import Role
from infra.accounts.credentials import hash_password
from infra.accounts.model import Account, Organisation
from infra.accounts.store import InMemoryAccountStore
from infra.config import Settings
from infra.db import open_pool
from infra.embedded import EmbeddedPostgres
from infra.policy_file import load_policy
from web.app import create_app
from web.settings import WebSettings
from workers.composition import Stores, account_service, partner_inviter

WARM_P99_TARGET_MS = 1000.0

PASSWORD = "bench horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


SUPERVISED = "org-3"
"""The organisation of the bench's supervisor, `sara`, whose dashboard is scoped to it."""


async def signed_in(app: Any, user_id: str = "cora") -> httpx.AsyncClient:
    """An HTTP client on the app, signed in through the form as `user_id`: `cora` the
    coordinator, or `sara` the supervisor of `SUPERVISED`."""
    browser = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
    form = await browser.get("/sign-in", params={"next": "/"})
    found = _CSRF.search(form.text)
    assert found is not None, form.text
    reply = await browser.post(
        "/sign-in",
        data={"user_id": user_id, "password": PASSWORD, "next": "/", "csrf_token": found[1]},
    )
    assert reply.status_code == 303, reply.text
    return browser


@functools.cache
def _password_hash() -> str:
    """The coordinator's password hash, made once per process: every app of a run (the
    queries', each cold run's, the warm runs') has the same account, and an argon2 hash
    costs about 0.3 s of CPU; signing in still verifies it each time."""
    return hash_password(PASSWORD)


async def dashboard_app(pool: Any, organisations: int, now: datetime) -> Any:
    """The real web app on the bench's database, with the organisations, a coordinator and
    a supervisor."""
    accounts = InMemoryAccountStore()
    for n in range(organisations):
        await accounts.create_organisation(Organisation(id=f"org-{n}", name=f"Partner {n}"))
    coordinator = Account(id="cora", display_name="Cora", role=Role.COORDINATOR)
    await accounts.create_account(coordinator, _password_hash())
    supervisor = Account(
        id="sara", display_name="Sara", role=Role.SUPERVISOR, organisation_id=SUPERVISED
    )
    await accounts.create_account(supervisor, _password_hash())
    settings = WebSettings(
        policy=load_policy(None), session_secret="bench secret " * 4, clock=lambda: now
    )
    # The generated events are not sealed and the dashboard opens none: no master key needed.
    stores = Stores(Settings(), pool)
    return create_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]  # the dashboard sends no commands
        stores.events,
        accounts,
        settings,
        indicators=stores.indicators,
        partners=stores.partners,
        account_service=account_service,
        partner_inviter=partner_inviter(Settings()),
    )


async def page_runs_cold_and_warm(
    postgres: EmbeddedPostgres, root: Path, runs: int, organisations: int, now: datetime
) -> tuple[EmbeddedPostgres, dict[str, Any]]:
    """The whole dashboard page `runs` times cold, each on a PostgreSQL just restarted (empty
    shared buffers, no plan, a new connection and app; the OS page cache stays warm), then
    `runs` times warm on one app after a warm-up. Returns the server left running."""
    cold: list[float] = []
    for _ in range(runs):
        await asyncio.to_thread(postgres.stop)
        postgres = EmbeddedPostgres(root / "pg")
        uri = await asyncio.to_thread(postgres.start)
        cold += await _page_seconds(uri, 1, False, organisations, now)
    warm = await _page_seconds(postgres.uri(), runs, True, organisations, now)
    return postgres, {
        "cold_ms": _ms_figures(cold),
        "warm_ms": _ms_figures(warm),
        "warm_p99_target_ms": WARM_P99_TARGET_MS,
        "meets_warm_p99_target": percentiles(warm)["p99"] * 1000 < WARM_P99_TARGET_MS,
    }


async def _page_seconds(
    uri: str, runs: int, warm_up: bool, organisations: int, now: datetime
) -> list[float]:
    """Seconds of `runs` GET /indicators by a signed-in coordinator on a new app."""
    pool = await open_pool(uri, 1, 2)
    try:
        browser = await signed_in(await dashboard_app(pool, organisations, now))
        day = now.date().isoformat()
        if warm_up:
            await browser.get("/indicators", params={"as_of": day})
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            page = await browser.get("/indicators", params={"as_of": day})
            seconds.append(time.perf_counter() - started)
            assert page.status_code == 200, page.text[:500]
        await browser.aclose()
        return seconds
    finally:
        await pool.close()


def _ms_figures(seconds: list[float]) -> dict[str, float]:
    return {k: v if k == "n" else round(v * 1000, 1) for k, v in percentiles(seconds).items()}
