"""`make install` leaves every project module compiled, and nothing turns .pyc off.

The sandbox imports the workflow modules again for every workflow instance; without a .pyc
each import compiles them (bench/sandbox_bytecode.py: docs/benchmarking.md).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _recipe(makefile: str, target: str) -> tuple[str, list[str]]:
    """The prerequisites and the command lines of a Makefile rule."""
    match = re.search(rf"^{target}:(.*)\n((?:\t.*\n)*)", makefile, re.MULTILINE)
    assert match, f"no rule {target}"
    return match.group(1), match.group(2).splitlines()


def test_install_and_up_compile_every_package_the_project_installs() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in ("install", "up", "test"):
        prerequisites, _ = _recipe(makefile, target)
        assert "bytecode" in prerequisites.split(), target
    _, commands = _recipe(makefile, "bytecode")
    assert any("-m compileall" in c and "$(PACKAGES)" in c for c in commands)
    compiled = re.search(r"^PACKAGES\s*:=\s*(.*)$", makefile, re.MULTILINE)
    assert compiled
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    installed = project["tool"]["importlinter"]["root_packages"]
    assert set(compiled.group(1).split()) == set(installed)


def test_make_writes_bytecode_whatever_the_environment_says() -> None:
    """The workplace's machines set PYTHONDONTWRITEBYTECODE: every process of `make test`
    (each pytest worker, CLI call, worker, web process) compiled every module it imported
    again, and pytest rewrote every test module's asserts again (docs/testing.md)."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^unexport PYTHONDONTWRITEBYTECODE$", makefile, re.MULTILINE)


def test_no_process_turns_off_writing_bytecode() -> None:
    sources = [
        p
        for package in ("workers", "infra", "web", "workflows", "activities", "client")
        for p in (ROOT / package).rglob("*.py")
    ]
    offending = [
        str(p.relative_to(ROOT))
        for p in sources
        if "DONTWRITEBYTECODE" in p.read_text() or "dont_write_bytecode" in p.read_text()
    ]
    assert offending == []
