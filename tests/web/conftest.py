"""API tests: the app wired to the time-skipping harness of the workflow tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio

from infra.policy_file import load_policy
from tests.web.staff import staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness, dev_harness, harness, time_skipping_harness
from web.settings import WebSettings

__all__ = ["Api", "api", "dev_harness", "harness", "served_harness", "web_settings"]


@dataclass
class Api:
    harness: Harness
    http: httpx.AsyncClient


def web_settings(**changes: Any) -> WebSettings:
    """Settings for a test app: the shipped policy and a throwaway session secret."""
    return WebSettings(policy=load_policy(None), session_secret="test-secret " * 4, **changes)


@pytest_asyncio.fixture(loop_scope="session")
async def api(harness: Harness) -> AsyncIterator[Api]:
    """An HTTP client on the app, with a worker for the harness's task queue running."""
    app = create_test_app(harness.pathways, harness.store, await staffed_accounts(), web_settings())
    transport = httpx.ASGITransport(app=app)
    async with (
        harness.worker(),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        yield Api(harness, http)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def served_harness() -> AsyncIterator[Harness]:
    """One time-skipping server, store and worker for every test of a module.

    Starting a server and a worker costs about a second of CPU; a module whose tests each
    took the function-scoped `harness` paid it per test. Its tests share the store, so each
    names pathways of its own (fresh ids) and asserts only about them; the worker stays up
    all along, so a timer of an earlier test's pathway that fires finds it.
    """
    async with time_skipping_harness() as shared, shared.worker():
        yield shared
