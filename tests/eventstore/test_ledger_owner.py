"""The ledger has one writer: only `infra.eventstore.postgres_ledger` writes its tables.

Every INSERT, UPDATE, DELETE or TRUNCATE of `ledger`, `budget_lines` or
`budget_line_changes` in the project's code is in that module; the payments store, the
event store and the budget command call its functions in their own transactions. The
migrations, which create the tables, are not code that writes them.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWNER = ROOT / "infra" / "eventstore" / "postgres_ledger.py"
PACKAGES = ("domain", "workflows", "activities", "infra", "workers", "web", "bench")
LEDGER_TABLES = ("ledger", "budget_lines", "budget_line_changes")

_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"
    rf"(?:{'|'.join(LEDGER_TABLES)})\b",
    re.IGNORECASE,
)


_NEXT_LITERAL = re.compile(r"[\"']\s*\n\s*[rbf]*[\"']")
"""The seam between two adjacent string literals, which Python joins into one."""


def ledger_writes(source: str) -> list[str]:
    """The statements of `source` that write one of the ledger's tables."""
    joined = _NEXT_LITERAL.sub("", source)
    return [" ".join(match.group(0).split()) for match in _WRITE.finditer(joined)]


def test_only_the_owner_writes_the_ledger() -> None:
    writers = {
        str(path.relative_to(ROOT)): found
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != OWNER and (found := ledger_writes(path.read_text()))
    }
    assert writers == {}


def test_the_owner_writes_every_ledger_table() -> None:
    written = {w.split()[-1].lower() for w in ledger_writes(OWNER.read_text())}
    assert written == set(LEDGER_TABLES)


def test_the_scan_sees_a_write_split_over_lines() -> None:
    assert ledger_writes('"UPDATE ledger SET status"') == ["UPDATE ledger"]
    joined = ["INSERT INTO budget_lines"]
    assert ledger_writes('"INSERT INTO"\n    " budget_lines (line_id)"') == joined
    assert ledger_writes('"""INSERT INTO\n budget_lines (line_id)"""') == joined
    assert ledger_writes('"UPDATE ledger_archive SET x = 1"') == []
    assert ledger_writes('"SELECT amount FROM ledger"') == []
