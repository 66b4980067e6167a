"""axe-core in the page: WCAG 2.0 and 2.1, levels A and AA, checked where the test stands.

axe-core comes from PyPI inside `axe-playwright-python` (its `axe.min.js`, installed with the
test extras), so nothing is fetched when a test runs. Any browser test calls
`assert_accessible(page, context=...)` on the page it has open; see docs/web.md,
"Accessibility".
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
"""The axe tags of WCAG 2.0 and 2.1 at levels A and AA: the rules that are run."""
FAILING = frozenset({"serious", "critical"})
"""The impacts that fail a page; minor and moderate findings are reported by axe only."""

OPTIONS = {"runOnly": {"type": "tag", "values": list(WCAG_AA)}, "resultTypes": ["violations"]}
RUN = "options => axe.run(document, options).then(results => results.violations)"
"""axe run in the page, only its violations sent back (not the rules that passed)."""


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations of the WCAG A and AA rules on the page as it is now.

    axe-core (half a megabyte of script) is put into a page once, not at each check: a page
    checked at both widths, the layout reflowed in between, is one document.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return list(page.evaluate(RUN, OPTIONS))


def failures(found: list[dict[str, Any]]) -> list[str]:
    """One line per element of a serious or critical violation: rule, target and help."""
    return [
        f"{violation['id']} ({violation['impact']}) at {' '.join(map(str, node['target']))}: "
        f"{violation['help']}"
        for violation in found
        if violation.get("impact") in FAILING
        for node in violation["nodes"]
    ]


def assert_accessible(page: Page, *, context: str) -> None:
    """Fail listing every serious or critical WCAG 2.1 AA violation of the open page.

    `context` says which page this is, as whom and at which width (e.g. "anna /caseload
    390 px"), so that a failure names where it was found.
    """
    listed = failures(violations(page))
    assert not listed, f"{context} ({page.url}): " + "\n  ".join(["", *listed])
