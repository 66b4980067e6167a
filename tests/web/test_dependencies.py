"""Routes get what they use through FastAPI's `Depends`, typed (`web/dependencies.py`).

`request.app.state` is read in that module only: a route that took its store from there
would hide what it uses from its signature and from mypy.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from client.pathway import PathwayClient
from infra.accounts.store import InMemoryAccountStore
from infra.eventstore.memory import InMemoryEventStore
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from web import dependencies

WEB = Path(__file__).resolve().parents[2] / "web"
APP_STATE = re.compile(r"\bapp\.state\b|getattr\([^)]*\.app\b")


def app_state_outside_dependencies() -> list[str]:
    return [
        f"{path.relative_to(WEB.parent)}:{number}: {line.strip()}"
        for path in sorted(WEB.rglob("*.py"))
        if path.name != "dependencies.py" or path.parent != WEB
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if APP_STATE.search(line)
    ]


def test_only_the_dependencies_module_reads_the_apps_state() -> None:
    assert app_state_outside_dependencies() == []


def test_the_check_sees_the_apps_state() -> None:
    assert APP_STATE.search("store: EventStore = request.app.state.store")
    assert APP_STATE.search('getattr(request.app.state, "codec", None)')
    assert not APP_STATE.search("store: StoreDep")


async def test_a_route_uses_the_store_its_dependency_gives() -> None:
    app = create_test_app(
        PathwayClient(None, "unused"),  # type: ignore[arg-type]  # the route sends no command
        InMemoryEventStore(),
        await staffed_accounts(),
        web_settings(),
    )
    elsewhere = InMemoryAccountStore()
    app.dependency_overrides[dependencies.account_store] = lambda: elsewhere
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        reply = await http.get("/api/v1/organisations", headers=bearer("anna"))
    assert reply.status_code == 200, reply.text
    assert reply.json() == []
