"""domain/ stays pure: standard library and pydantic only, no clock, no randomness, no I/O."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
FORBIDDEN_STDLIB = {
    "os",
    "io",
    "random",
    "secrets",
    "time",
    "socket",
    "subprocess",
    "threading",
    "asyncio",
    "uuid",
    "pathlib",
    "shutil",
    "logging",
    "urllib",
    "http",
    "sqlite3",
}
FORBIDDEN_CALLS = {"now", "today", "utcnow", "uuid4", "uuid1", "open", "print"}


def modules() -> list[Path]:
    return sorted(DOMAIN.rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_imports_only_stdlib_and_pydantic(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            root = name.split(".")[0]
            allowed = root in {"domain", "pydantic", "__future__"} or (
                root in sys.stdlib_module_names and root not in FORBIDDEN_STDLIB
            )
            assert allowed, f"{path.name} imports {name}"
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {called}()"
