"""Indicator tables and drill-down: what the reports read (`IndicatorQueries`) and its rows.

The PostgreSQL implementation, on `indicator_facts`, is `infra.indicators.postgres_queries`.

Times, precisely:
- `as_of` is RECORDING time: the figures are those the project knew at that instant
  (`since <= as_of < until`), so a report of a past date never changes when a back-dated
  event is recorded later, and a back-dated event shows from the day it was recorded.
- `period` (two dates, inclusive, UTC days) is BUSINESS time: with it a fact counts when, as
  known at `as_of`, it held at some moment of the period by the occurred_at of the events
  that opened and closed it (a pathway whose fact changed weight during the period counts
  once, with its latest weight).
- `trend(points)` is `indicator_table(as_of=p)` at each point (recording time), in one query.
- Dimensions are the pathway's latest (`indicator_dimensions`), whatever `as_of`. The scope
  (`organisation_id`) is not: the owning organisation is a fact with its interval
  (`domain.indicators.owned_by`), so a pathway transferred counts for the organisation that
  owned it at each instant, and a report of a past day stays exact across the transfer. A
  breakdown `by=organisation_id` still reads the latest dimension.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from domain.indicators import Indicator

Role = Literal["count", "numerator", "denominator"]


@dataclass(frozen=True)
class Row:
    """One indicator in one cell (a combination of the `by` dimensions).

    `value` is the count, or the rate (0 to 1) or mean; None when nothing to divide.
    `numerator`/`denominator` are the sums of the facts' weights (for a count, numerator
    is the value and denominator None); `pathways` how many pathways the cell has.
    """

    indicator: Indicator
    cell: tuple[tuple[str, str | None], ...]
    value: float | None
    numerator: int
    denominator: int | None
    numerator_pathways: int
    denominator_pathways: int | None

    @property
    def indicator_id(self) -> str:
        return self.indicator.indicator_id


@dataclass(frozen=True)
class Contribution:
    """One pathway's part in a figure: which fact, with what weight, since which event."""

    pathway_id: str
    role: Role
    fact: str
    weight: int
    since: datetime
    opened_by: int
    """Global position of the event that made the fact true: the proof of the figure."""


class IndicatorQueries(Protocol):
    """The reports' reads, on a projection kept up to date by the indicator projector."""

    async def indicator_table(
        self,
        as_of: datetime,
        *,
        by: Sequence[str] = (),
        organisation_id: str | None = None,
        period: tuple[date, date] | None = None,
        filters: Mapping[str, str | None] | None = None,
    ) -> list[Row]:
        """Every indicator in every cell of the `by` dimensions, as known at `as_of`."""
        ...

    async def trend(
        self,
        points: Sequence[datetime],
        *,
        by: Sequence[str] = (),
        organisation_id: str | None = None,
        filters: Mapping[str, str | None] | None = None,
    ) -> list[list[Row]]:
        """`indicator_table` at each of `points`."""
        ...

    async def pathways_for(
        self,
        indicator_id: str,
        as_of: datetime,
        filters: Mapping[str, str | None] | None = None,
        organisation_id: str | None = None,
        *,
        limit: int = 1000,
    ) -> list[Contribution]:
        """The pathways behind one figure (drill-down), within `organisation_id` if given."""
        ...
