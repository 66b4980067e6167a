"""Browser tests: Debian's Chromium driven by Playwright, against the app served for real.

Playwright's own browser downloads cannot be fetched here, so the tests launch the
system Chromium (`apt-get install chromium`; `make test` installs it), launched once a
session, as the `pathways up` stack is (the browser files run on one worker). Screenshots of
the pages are written to `PATHWAYS_TEST_ARTIFACTS` when it is set (CI keeps that folder),
else to `browser-artifacts` under pytest's base temporary directory; the run's summary
names the folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.stack import Stack, pathways_up
from tests.web.live import LiveApp, live_app

ARTIFACTS_SETTING = "PATHWAYS_TEST_ARTIFACTS"
ARTIFACTS = Path(os.environ.get(ARTIFACTS_SETTING) or Path(__file__).parent / "artifacts")
"""Where a test without the `artifacts` fixture (the indicators' done-when) keeps its own."""
CHROMIUM = os.environ.get("PATHWAYS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Chromium for one module. Not for the session: while Playwright's sync API is open it
    keeps an event loop running in the thread, and every asyncio test that the same xdist
    worker ran after the browser files failed (`Runner.run() cannot be called from a
    running event loop`: 692 errors and failures in one run)."""
    executable = shutil.which(CHROMIUM) or CHROMIUM
    if not Path(executable).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (make test does)")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def site() -> Iterator[LiveApp]:
    with live_app() as app:
        yield app


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """`pathways up` with the demo accounts, for the tests of the whole stack.

    One for the session, and for every browser file: `make test` runs them on one worker
    (tests/scheduling.py), so the stack is started once (about 30 s of CPU a start).
    """
    with pathways_up() as running:
        yield running


@pytest.fixture(scope="session")
def artifacts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the screenshots (see the module's docstring)."""
    given = os.environ.get(ARTIFACTS_SETTING)
    folder = Path(given) if given else tmp_path_factory.getbasetemp() / "browser-artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[ARTIFACTS_KEY] = folder
    return folder


ARTIFACTS_KEY = pytest.StashKey[Path]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the screenshots are, when a browser test took some."""
    # Under pytest-xdist the fixture runs in a worker: the controller knows the setting only.
    given = os.environ.get(ARTIFACTS_SETTING)
    folder = terminalreporter.config.stash.get(ARTIFACTS_KEY, None) or given
    if folder is not None:
        terminalreporter.write_line(f"browser screenshots: {folder}")
