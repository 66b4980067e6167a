"""The dashboard's filters and breakdowns, read from the query string and checked whole.

`?gender=female&age_band=25-34&nationality=GN&protection_status=refugee&work_package=wp1_work`
keeps the pathways of those values (and the indicators of that work package); `?by=gender
&by=age_band` breaks the downloads down by those dimensions, as `pathways report --by`. An
unknown value is refused with `invalid_filter` (422) before anything is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from domain.indicators import AGE_BANDS, CATALOGUE, Indicator
from domain.indicators.intervals import DIMENSION_COLUMNS
from domain.values import Gender, ProtectionStatus, WorkPackage
from web.problems import ProblemError

INVALID_FILTER = "invalid_filter"
GENERAL = "general"
"""The work-package filter's value for the general objective (no work package)."""

_NATIONALITY = re.compile(r"^[A-Z]{2}$")
CHOICES: Mapping[str, tuple[str, ...]] = {
    "gender": tuple(g.value for g in Gender),
    "age_band": AGE_BANDS,
    "protection_status": tuple(p.value for p in ProtectionStatus),
    "work_package": (*(w.value for w in WorkPackage), GENERAL),
}
DIMENSION_FILTERS = ("gender", "age_band", "nationality", "protection_status")
BREAKDOWNS = tuple(DIMENSION_COLUMNS)


@dataclass(frozen=True)
class Filters:
    """What the reader chose: one value per dimension, a work package, the breakdowns."""

    dimensions: dict[str, str] = field(default_factory=dict)
    work_package: str | None = None
    by: tuple[str, ...] = ()

    def keeps(self, indicator: Indicator) -> bool:
        """Whether the indicator is of the chosen work package (every one if none chosen)."""
        if self.work_package is None:
            return True
        package = indicator.work_package
        return (GENERAL if package is None else package.value) == self.work_package

    def indicators(self) -> list[Indicator]:
        return [i for i in CATALOGUE if self.keeps(i)]

    def query(self) -> list[tuple[str, str]]:
        """The filters as query parameters (breakdowns left out: they are the downloads')."""
        pairs = list(self.dimensions.items())
        if self.work_package:
            pairs.append(("work_package", self.work_package))
        return pairs

    def query_string(self) -> str:
        return urlencode(self.query())


def read_filters(params: Mapping[str, list[str]]) -> Filters:
    """The filters of a query string (each name → its values, in order).

    Raises:
        ProblemError: `invalid_filter` (422): an unknown value, a dimension given twice, or
            an unknown breakdown.
    """
    chosen: dict[str, str] = {}
    for name in (*DIMENSION_FILTERS, "work_package"):
        values = [v.strip() for v in params.get(name, []) if v.strip()]
        if len(values) > 1:
            raise ProblemError(INVALID_FILTER, f"{name} is given more than once", status=422)
        if not values:
            continue
        value = values[0].upper() if name == "nationality" else values[0]
        known = CHOICES.get(name)
        if (known is not None and value not in known) or (
            name == "nationality" and not _NATIONALITY.match(value)
        ):
            expected = ", ".join(known) if known else "an ISO 3166-1 alpha-2 code such as GN"
            raise ProblemError(
                INVALID_FILTER, f"{name} {values[0]!r} is unknown; expected {expected}", status=422
            )
        chosen[name] = value
    package = chosen.pop("work_package", None)
    by: list[str] = []
    for value in params.get("by", []):
        name = "organisation_id" if value == "organisation" else value.strip()
        if not name:
            continue
        if name not in BREAKDOWNS:
            raise ProblemError(
                INVALID_FILTER,
                f"by {value!r} is unknown; expected {', '.join(BREAKDOWNS)}",
                status=422,
            )
        if name not in by:
            by.append(name)
    return Filters(dimensions=chosen, work_package=package, by=tuple(by))
