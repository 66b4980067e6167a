"""The browser files are one unit of work under `make test`'s `--dist loadfile` (they share
one stack and one Chromium); every other file is one of its own. tests/scheduling.py."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from xdist.remote import Producer

from tests.conftest import pytest_xdist_make_scheduler
from tests.scheduling import FilesAndGroups, scope_of

BROWSER = sorted(p.as_posix() for p in Path("tests/browser").glob("test_*.py"))


def test_the_browser_files_are_one_unit_and_every_other_file_its_own() -> None:
    assert len(BROWSER) >= 4
    assert {scope_of(f"{path}::test_x[a::b]") for path in BROWSER} == {"tests/browser/"}
    assert scope_of("tests/web/test_pages.py::test_x") == "tests/web/test_pages.py"
    assert scope_of("tests/integration/test_cli.py::T::t") == "tests/integration/test_cli.py"


@pytest.mark.parametrize(("dist", "kind"), [("loadfile", FilesAndGroups), ("load", type(None))])
def test_make_tests_scheduler_groups_only_under_loadfile(dist: str, kind: type) -> None:
    config = SimpleNamespace(
        getvalue=lambda name: dist,
        option=SimpleNamespace(loadscopereorder=False),
        getoption=lambda name, default=None: default,
    )
    scheduler = pytest_xdist_make_scheduler(cast(Any, config), Producer("test"))
    assert isinstance(scheduler, kind)
    if scheduler is not None:
        assert scheduler._split_scope(f"{BROWSER[0]}::t") == scheduler._split_scope(
            f"{BROWSER[-1]}::t"
        )
