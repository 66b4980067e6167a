"""How a sheet names a pathway and a measure: as the pages show them (docs/import.md).

A pathway by the code the pages show beside a person's name (the first `CODE_LENGTH`
characters of its id) or its whole id, among the pathways the importer may act on only; a
measure by its Italian name and ordinal ("Borsa lavoro (1)", `MEASURE_NAMES`), its kind's
key and ordinal, or its id.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from domain.measures import MeasureKind

WORK_GRANT = MeasureKind("work_grant")
TRAINING_COURSE = MeasureKind("training_course")
MONTHLY_KINDS = (WORK_GRANT, TRAINING_COURSE)
"""The measures whose hours a sheet records month by month."""
MEASURE_NAMES = {
    "borsa lavoro (tirocinio)": WORK_GRANT,
    "borsa lavoro": WORK_GRANT,
    "corso di formazione": TRAINING_COURSE,
}
"""The Italian names of the monthly measures, as the pages show them (`web/locales`: a test
checks it) and shortened as a sheet may write them."""
CODE_LENGTH = 8
"""The characters of a pathway's id the pages show: the shortest code a row may give."""
_NAMED = re.compile(r"^(.+?)\s*\(\s*(\d+)\s*\)$")


def pathway_of(code: str, scope: Collection[str]) -> str | None:
    """The pathway of `scope` whose id is `code`, or begins with it (at least `CODE_LENGTH`
    characters, and one pathway only); None otherwise."""
    code = code.strip().rstrip("…").strip()
    if code in scope:
        return code
    if len(code) < CODE_LENGTH:
        return None
    found = [p for p in scope if p.startswith(code)]
    return found[0] if len(found) == 1 else None


def measure_id_of(text: str) -> str:
    """The measure id a cell names: `Borsa lavoro (1)` or `work_grant (1)` is `work_grant-1`;
    anything else is taken as an id."""
    text = text.strip()
    if (named := _NAMED.match(text)) is None:
        return text
    name, ordinal = named.groups()
    words = " ".join(name.lower().replace("_", " ").split())
    kind = MEASURE_NAMES.get(words) or next(
        (k for k in MeasureKind if k.replace("_", " ") == words), None
    )
    return f"{kind}-{int(ordinal)}" if kind is not None else text
