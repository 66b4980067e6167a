"""Every store is built by the composition root (`workers/composition.py`), always sealed.

A store built by hand elsewhere is how one ended up writing personal fields in clear
(`pathways up`'s default budget, before issue 22): the sources are scanned for the stores'
constructors, and only the root, the adapters' own package (infra/) and the tests may call
them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("domain", "workflows", "activities", "workers", "web", "bench", "examples")
THE_ROOT = Path("workers/composition.py")

BUILT_BY_THE_ROOT = {
    "PostgresEventStore",
    "PaymentsStore",
    "PaymentsService",
    "PaymentsOverview",
    "PaymentsDesk",
    "PostgresAccountStore",
    "AccountOperations",
    "PostgresPartnerStore",
    "PartnerRegistryService",
    "PostgresAccessLog",
    "PostgresSignInThrottle",
    "PostgresSessionRevocations",
    "PostgresIndicatorQueries",
    "PostgresIndicatorProjection",
    "IndicatorProjector",
    "FieldSealer",
    "PathwayCodec",
}
"""The stores and services of `workers.composition.Stores`, by the name of their class."""


def built_by_hand(source: str) -> list[tuple[int, str]]:
    """(line, class) of each call of a constructor in `source` (`Class(...)`, `Class.on(...)`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            func = func.value  # a factory such as `PaymentsDesk.on(pool)`
        if isinstance(func, ast.Name) and func.id in BUILT_BY_THE_ROOT:
            found.append((node.lineno, func.id))
    return found


def test_no_store_is_built_outside_the_composition_root() -> None:
    outside = [
        f"{path.relative_to(ROOT)}:{line}: {name}(...)"
        for folder in SCANNED
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.relative_to(ROOT) != THE_ROOT
        for line, name in built_by_hand(path.read_text())
    ]
    assert outside == [], "build these through workers.composition.Stores:\n" + "\n".join(outside)


def test_the_scan_sees_a_store_built_by_hand() -> None:
    source = "store = PostgresEventStore(pool)\ndesk = PaymentsDesk.on(pool, sealer)\n"
    assert built_by_hand(source) == [(1, "PostgresEventStore"), (2, "PaymentsDesk")]


def test_the_root_builds_every_store_it_guards() -> None:
    tree = ast.parse((ROOT / THE_ROOT).read_text())
    built = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert BUILT_BY_THE_ROOT - built == set()
