"""The suite runs on an interpreter that cannot break it: the newest supported one found.

CPython 3.11.7 fails at random with `SystemError: AST constructor recursion depth mismatch`
when threads build ASTs while the collector runs (python/cpython gh-106905): schemathesis and
the workflow sandbox both compile in threads, so `make test` failed on a busy machine. The
Makefile takes 3.13, then 3.12, then 3.11, each only if it really runs (a pyenv shim of a
version pyenv has not selected is on PATH and fails), and rebuilds a virtualenv that another
interpreter made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
SUPPORTED = ("3.11", "3.12", "3.13")

# Answers the Makefile as CPython of that version would: its version, a virtualenv holding a
# copy of itself, and a pip that installs nothing.
FAKE_PYTHON = """#!/bin/sh
case "$1" in
  -c) echo {version} ;;
  -m) if [ "$2" = venv ]; then mkdir -p "$3/bin" && cp "$0" "$3/bin/python"; fi ;;
esac
"""
# What a pyenv shim prints when its version is installed but not selected.
UNSELECTED_SHIM = """#!/bin/sh
echo "pyenv: $(basename "$0"): command not found" >&2
exit 127
"""
# pyenv's `latest` and `prefix`, over versions kept under $FAKE_PYENV_ROOT.
FAKE_PYENV = """#!/bin/sh
case "$1" in
  latest) ls "$FAKE_PYENV_ROOT/versions" | grep "^$2\\." | tail -n 1 | grep . ;;
  prefix) echo "$FAKE_PYENV_ROOT/versions/$2" ;;
esac
"""


def executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


class Machine:
    """A PATH of stand-in interpreters and a virtualenv directory, for running `make install`."""

    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.pyenv_root = root / "pyenv"
        self.venv = root / "venv"
        self.bin.mkdir()

    def python(self, version: str) -> None:
        executable(self.bin / f"python{version}", FAKE_PYTHON.format(version=version))

    def shim(self, version: str) -> None:
        executable(self.bin / f"python{version}", UNSELECTED_SHIM)

    def pyenv_python(self, version: str) -> None:
        executable(self.bin / "pyenv", FAKE_PYENV)
        minor = version.rsplit(".", 1)[0]
        path = self.pyenv_root / "versions" / version / "bin" / f"python{minor}"
        executable(path, FAKE_PYTHON.format(version=minor))

    def make_install(self, **variables: str) -> subprocess.CompletedProcess[str]:
        arguments = [f"{name}={value}" for name, value in variables.items()]
        # Only the stand-ins and the system's tools: /usr/bin may hold a real python3.11.
        env = {
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/root"),
            "FAKE_PYENV_ROOT": str(self.pyenv_root),
        }
        make = shutil.which("make")
        assert make is not None
        return subprocess.run(
            [make, "-s", "-C", str(ROOT), "install", f"VENV={self.venv}", *arguments],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def venv_version(self) -> str:
        result = subprocess.run(
            [str(self.venv / "bin" / "python"), "-c", ""], capture_output=True, text=True
        )
        return result.stdout.strip()


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    return Machine(tmp_path)


def test_the_newest_interpreter_that_runs_is_taken(machine: Machine) -> None:
    machine.shim("3.13")
    machine.python("3.12")
    machine.python("3.11")

    result = machine.make_install()

    assert result.returncode == 0, result.stderr
    assert machine.venv_version() == "3.12"
    assert (machine.venv / ".installed-3.12").exists()


def test_a_version_pyenv_has_not_selected_is_found_in_pyenv(machine: Machine) -> None:
    machine.shim("3.13")
    machine.pyenv_python("3.13.0")
    machine.python("3.11")

    result = machine.make_install()

    assert result.returncode == 0, result.stderr
    assert machine.venv_version() == "3.13"


def test_a_virtualenv_made_by_another_interpreter_is_rebuilt(machine: Machine) -> None:
    machine.python("3.11")
    assert machine.make_install().returncode == 0
    assert machine.venv_version() == "3.11"
    machine.python("3.13")

    result = machine.make_install()

    assert result.returncode == 0, result.stderr
    assert "rebuilding" in result.stdout
    assert machine.venv_version() == "3.13"
    assert not (machine.venv / ".installed-3.11").exists()


def test_python_can_still_be_chosen(machine: Machine) -> None:
    machine.python("3.13")
    machine.python("3.12")

    result = machine.make_install(PYTHON="python3.12")

    assert result.returncode == 0, result.stderr
    assert machine.venv_version() == "3.12"


def test_no_supported_interpreter_is_a_clear_error(machine: Machine) -> None:
    machine.shim("3.13")

    result = machine.make_install(PYTHON="python3.13")

    assert result.returncode != 0
    assert "No supported Python found" in result.stderr
    assert not machine.venv.exists()


def test_the_package_admits_every_supported_version_and_checks_the_lowest() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    admitted = SpecifierSet(project["project"]["requires-python"])

    assert all(admitted.contains(f"{version}.0") for version in SUPPORTED)
    assert not admitted.contains("3.10.0")
    # Lint and types at the lowest supported version, so nothing newer slips in.
    assert project["tool"]["ruff"]["target-version"] == "py311"
    assert project["tool"]["mypy"]["python_version"] == "3.11"


# Threads parse a large module while the collector runs Python code (a callback), the
# conditions under which 3.11.7 corrupts its shared AST recursion counter.
AST_RACE = """
import ast, gc, sys, threading
gc.set_threshold(50)
gc.callbacks.append(lambda phase, info: sorted(str(i) for i in range(200)))
source = open(ast.__file__).read()
errors = []
def parse():
    try:
        for _ in range(2):
            ast.parse(source)
    except SystemError as error:
        errors.append(error)
threads = [threading.Thread(target=parse) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
sys.exit(str(errors[0]) if errors else 0)
"""


def test_threads_building_asts_do_not_break_the_suites_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", AST_RACE], capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, (
        f"Python {sys.version.split()[0]} has python/cpython gh-106905 "
        f"({result.stderr.strip()}): make a virtualenv with 3.12 or 3.13 (see README)"
    )
