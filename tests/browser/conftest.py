"""Browser tests: Debian's Chromium driven by Playwright, against the app served for real.

Playwright's own browser downloads cannot be fetched here, so the tests launch the
system Chromium (`apt-get install chromium`; `make test` installs it). Screenshots of
the main pages are written under tests/browser/artifacts/ (not committed).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.web.live import LiveApp, live_app

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("PATHWAYS_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
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
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
