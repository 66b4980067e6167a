"""The caseload list's filters, order and paging, read from a query string and checked whole.

The API (`GET /api/v1/pathways` and its `.csv`/`.xlsx`) and the page (`/caseload` and its
downloads) read the same parameters through `read_selection`, so an unknown stage, measure
kind, protection status or order is refused with `invalid_filter` (422, the parameter in
`field`) before anything is read, on every entry point alike; then `list_caseload` narrows
the selection to the reader's scope (`web.scope.caseload_filter`) and reads one page.

Paging is by offset over an order that always ends on the pathway id: stable while the rows
do not change, and a page number a person can link to. Names are sealed per beneficiary, so
the list is never ordered by name (docs/web.md, "The caseload list").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter, ValidationError

from domain.measures import MeasureKind
from domain.projections import PathwaySummary
from domain.values import Identifier, ProtectionStatus, Stage
from infra.accounts.model import Account
from infra.eventstore.queries import CaseloadQueries, CaseloadSort
from web.problems import ProblemError
from web.scope import caseload_filter

INVALID_FILTER = "invalid_filter"
"""The code of a refused filter: the same the indicator dashboard's filters answer with."""
MAX_OFFSET = 2**63 - 1
"""The largest offset PostgreSQL's OFFSET takes (a bigint); beyond it, 422 rather than 500."""
MAX_LIMIT = 500
READ_BATCH = 500
"""Rows read per query when a download takes every row of the selection."""
EXPORT_LIMIT = 20_000
"""The most pathways a CSV or XLSX download holds (docs/search.md, "The caseload list"):
a file past it is refused with `EXPORT_TOO_LARGE` before anything is read, not cut short."""
EXPORT_TOO_LARGE = "export_too_large"

_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)
_TRUE = frozenset({"true", "1", "on", "yes"})
_FALSE = frozenset({"false", "0", "off", "no"})


@dataclass(frozen=True)
class Selection:
    """Which pathways of the caseload, in which order: what the reader asked for."""

    stage: Stage | None = None
    measure_kind: MeasureKind | None = None
    protection_status: ProtectionStatus | None = None
    overdue: bool = False
    caseworker_id: str | None = None
    organisation_id: str | None = None
    sort: CaseloadSort = CaseloadSort.NEXT_DEADLINE

    def query(self) -> list[tuple[str, str]]:
        """The selection as query parameters, those left at their default left out."""
        pairs: list[tuple[str, str]] = []
        for name in ("stage", "measure_kind", "protection_status"):
            value = getattr(self, name)
            if value is not None:
                pairs.append((name, value.value))
        if self.overdue:
            pairs.append(("overdue", "true"))
        for name in ("caseworker_id", "organisation_id"):
            value = getattr(self, name)
            if value is not None:
                pairs.append((name, value))
        if self.sort != CaseloadSort.NEXT_DEADLINE:
            pairs.append(("sort", self.sort.value))
        return pairs

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the list (the order is not a filter)."""
        return self != Selection(sort=self.sort)


ENUMS: Mapping[str, type[StrEnum]] = {
    "stage": Stage,
    "measure_kind": MeasureKind,
    "protection_status": ProtectionStatus,
    "sort": CaseloadSort,
}


def read_selection(params: Mapping[str, Sequence[str]]) -> Selection:
    """The selection of a query string (each name → its values); empty values are unset.

    Raises:
        ProblemError: `invalid_filter` (422, field: the parameter): an unknown value, a
            parameter given twice, or an identifier that is not one.
    """
    chosen: dict[str, Any] = {}
    for name in (*ENUMS, "overdue", "caseworker_id", "organisation_id"):
        values = [v.strip() for v in params.get(name, ()) if v.strip()]
        if len(values) > 1:
            raise ProblemError(INVALID_FILTER, f"{name} is given more than once", name)
        if not values:
            continue
        chosen[name] = _value(name, values[0])
    return replace(Selection(), **chosen)


def _value(name: str, text: str) -> object:
    if name in ENUMS:
        enum = ENUMS[name]
        try:
            return enum(text)
        except ValueError:
            known = ", ".join(member.value for member in enum)
            raise ProblemError(
                INVALID_FILTER, f"{text!r} is not a {name}; one of {known}", name
            ) from None
    if name == "overdue":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ProblemError(INVALID_FILTER, "overdue is true or false", name)
    try:
        return _IDENTIFIER.validate_python(text)
    except ValidationError:
        raise ProblemError(INVALID_FILTER, f"{name} is not an identifier", name) from None


def read_page(params: Mapping[str, Sequence[str]], default_limit: int) -> tuple[int, int]:
    """`limit` (1 to 500, else `default_limit`) and `offset` (from 0) of a query string.

    Raises:
        ProblemError: `invalid_filter` (422) for a value that is not a whole number in range.
    """
    limit = _number(params, "limit", default_limit, 1, MAX_LIMIT)
    return limit, _number(params, "offset", 0, 0, MAX_OFFSET)


def _number(
    params: Mapping[str, Sequence[str]], name: str, default: int, low: int, high: int
) -> int:
    values = [v.strip() for v in params.get(name, ()) if v.strip()]
    if not values:
        return default
    if len(values) > 1 or not values[0].isascii() or not values[0].isdigit():
        raise ProblemError(INVALID_FILTER, f"{name} is a whole number", name)
    number = int(values[0])
    if not low <= number <= high:
        raise ProblemError(INVALID_FILTER, f"{name} is from {low} to {high}", name)
    return number


def _scoped_filters(account: Account, selection: Selection, now: datetime) -> dict[str, Any] | None:
    """The store's filters for the selection narrowed to the account's scope, or None when
    the scope holds nothing (a caseworker or organisation outside it): the page and its
    count read the same filters."""
    scope = caseload_filter(account, selection.organisation_id, selection.caseworker_id)
    if scope.empty:
        return None
    return {
        "organisation_id": scope.organisation_id,
        "caseworker_id": scope.caseworker_id,
        "stage": selection.stage,
        "measure_kind": None if selection.measure_kind is None else selection.measure_kind.value,
        "protection_status": selection.protection_status,
        "overdue_at": now if selection.overdue else None,
    }


async def list_caseload(
    caseload: CaseloadQueries,
    account: Account,
    selection: Selection,
    now: datetime,
    *,
    limit: int,
    offset: int = 0,
) -> list[PathwaySummary]:
    """One page of the selection within the account's scope (nothing outside it).

    A filter on a caseworker or an organisation outside the scope answers nothing, as an
    unknown one would: the list tells nobody whose pathways exist elsewhere.
    """
    filters = _scoped_filters(account, selection, now)
    if filters is None:
        return []
    return await caseload.list_summaries(**filters, sort=selection.sort, limit=limit, offset=offset)


async def count_caseload(
    caseload: CaseloadQueries, account: Account, selection: Selection, now: datetime
) -> int:
    """How many pathways of the selection are within the account's scope: one COUNT over
    the same filters as `list_caseload`, so nothing outside the scope is ever counted."""
    filters = _scoped_filters(account, selection, now)
    if filters is None:
        return 0
    return await caseload.count_summaries(**filters)


async def whole_caseload(
    caseload: CaseloadQueries, account: Account, selection: Selection, now: datetime
) -> list[PathwaySummary]:
    """Every row of the selection within the account's scope, read a batch at a time.

    Raises:
        ProblemError: `export_too_large` (422) when more than `EXPORT_LIMIT` pathways match;
            nothing is read then.
    """
    total = await count_caseload(caseload, account, selection, now)
    if total > EXPORT_LIMIT:
        raise ProblemError(
            EXPORT_TOO_LARGE,
            f"{total} pathways match; a download takes at most {EXPORT_LIMIT}: narrow the filters",
            status=422,
        )
    rows: list[PathwaySummary] = []
    while True:
        batch = await list_caseload(
            caseload, account, selection, now, limit=READ_BATCH, offset=len(rows)
        )
        rows.extend(batch)
        if len(batch) < READ_BATCH:
            return rows
