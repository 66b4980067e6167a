"""`make test`'s `--dist loadfile`, with the browser suite kept together on one worker.

pytest-xdist hands each test file to a worker of its own; the browser files share one
`pathways up` stack and one Chromium (tests/browser/conftest.py, session-scoped), which a
worker builds once only if it runs all of them. `FilesAndGroups` schedules as
`LoadFileScheduling` does, `--no-loadscope-reorder` included, except that the files under a
folder of `GROUPS` are one unit of work. See docs/testing.md.
"""

from __future__ import annotations

from xdist.scheduler import LoadFileScheduling

GROUPS = ("tests/browser/",)
"""Folders whose test files run on one worker, one after the other."""


class FilesAndGroups(LoadFileScheduling):
    """A unit of work per test file, or per folder of `GROUPS`."""

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid)


def scope_of(nodeid: str) -> str:
    """The unit of work `nodeid` belongs to: its group's folder, else its file."""
    path = nodeid.split("::", 1)[0]
    return next((group for group in GROUPS if path.startswith(group)), path)
