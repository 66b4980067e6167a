"""The pages' `site` for the modules that take it: an app, a server and a worker per test.

tests/web/test_pages.py shares one app and server among its own tests; the other modules of
pages keep this fixture, whose every test starts from empty stores and fresh accounts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest_asyncio

from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web.test_pages import Site
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness


@pytest_asyncio.fixture(loop_scope="session")
async def site(harness: Harness) -> AsyncIterator[Site]:
    accounts = await staffed_accounts()
    skew = [timedelta()]
    settings = web_settings(clock=lambda: datetime.now(UTC) + skew[0])
    app = create_test_app(harness.pathways, harness.store, accounts, settings)
    async with harness.worker():
        yield Site(harness, accounts, app, skew)
