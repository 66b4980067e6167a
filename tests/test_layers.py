"""The layers hold: import-linter's contracts (pyproject.toml, `[tool.importlinter]`) are kept.

The contracts follow indirect imports too, so a module that reaches an adapter through a
chain of innocent-looking imports breaks them as surely as a direct import. Imports that
issue 22's later steps remove are listed there under `ignore_imports`, each with its reason;
an ignored import that no longer exists fails the check, so the list only shrinks.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import venv_binary

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    result = subprocess.run(
        [venv_binary("lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
