"""The layers hold: import-linter's contracts (pyproject.toml, `[tool.importlinter]`) are kept.

The contracts follow indirect imports too, so a module that reaches an adapter through a
chain of innocent-looking imports breaks them as surely as a direct import. Imports that
issue 22's later steps remove are listed there under `ignore_imports`, each with its reason;
an ignored import that no longer exists fails the check, so the list only shrinks.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

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


PLAIN = re.compile(r"^(__init__|names|models|patches|\w+_models)$")
"""The modules of workflows/ that hold names, models and patch ids, no workflow class: the
only ones `client/` and `web/` may import."""


def contract(contract_id: str) -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == contract_id)


@pytest.mark.parametrize("contract_id", ["client", "web", "activities"])
def test_every_workflow_module_is_plain_or_forbidden_to_callers(contract_id: str) -> None:
    """A workflow added to workflows/ is kept out of the client and the pages from the start."""
    forbidden = set(contract(contract_id)["forbidden_modules"])
    modules = sorted(p.stem for p in (ROOT / "workflows").glob("*.py"))
    unguarded = [m for m in modules if not PLAIN.match(m) and f"workflows.{m}" not in forbidden]
    assert unguarded == []


def test_plain_workflow_modules_define_no_workflow() -> None:
    """What passes for plain holds no workflow, so the callers that import it import none."""
    plain = [p for p in (ROOT / "workflows").glob("*.py") if PLAIN.match(p.stem)]
    assert plain
    assert [p.name for p in plain if "@workflow.defn" in p.read_text()] == []
