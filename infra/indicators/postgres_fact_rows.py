"""The SQL that picks the fact rows a report reads, for `infra.indicators.postgres_queries`.

The rows held at an instant, or during a period as known at an instant (`held_rows`); cut
to the time a pathway belonged to an organisation (`OWNED`, or `OWNED_LOOKED_UP` for one of
few pathways); counted once per person where
pathways are linked as one (`ONCE_PER_PERSON`); kept to one value per dimension
(`dimension_conditions`). Composed here, run there, where every read is unprepared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psycopg import sql

from domain.indicators.facts import owned_by
from domain.indicators.intervals import DIMENSION_COLUMNS

JOIN_DIMENSIONS = "LEFT JOIN indicator_dimensions d USING (pathway_id)"
"""The pathways' dimensions beside their fact rows `f` (`d`), for a cell or a filter."""


def known_dimensions(by: Sequence[str]) -> list[str]:
    """`by` without its repeats, in its order.

    Raises:
        ValueError: a name that is not a dimension's column.
    """
    unknown = [d for d in by if d not in DIMENSION_COLUMNS]
    if unknown:
        raise ValueError(f"unknown dimensions {unknown}; known: {', '.join(DIMENSION_COLUMNS)}")
    return list(dict.fromkeys(by))


def dimension_conditions(
    filters: Mapping[str, str | None],
) -> tuple[list[sql.Composable], dict[str, Any]]:
    """`d.<dimension> IS NOT DISTINCT FROM <value>` for each filter, and their parameters."""
    conditions: list[sql.Composable] = [
        sql.SQL("d.{} IS NOT DISTINCT FROM {}").format(
            sql.Identifier(c), sql.Placeholder(f"dim_{c}")
        )
        for c in filters
    ]
    return conditions, {f"dim_{c}": v for c, v in filters.items()}


_LINKED_AT = "l.linked_at <= %(as_of)s AND (l.unlinked_at IS NULL OR l.unlinked_at > %(as_of)s)"
"""A person link `l` that holds at `as_of`: linked by then and not undone by then."""
ANY_LINK = (
    "SELECT EXISTS (SELECT 1 FROM person_links"
    " WHERE linked_at <= %(last)s AND (unlinked_at IS NULL OR unlinked_at > %(first)s))"
)
"""Whether some person link held at an instant from `%(first)s` to `%(last)s`."""
_PERSON = (
    "CASE WHEN h.fact = ANY(%(not_persons)s) THEN h.pathway_id"
    " ELSE COALESCE(l.person_key, h.pathway_id) END"
)
ONCE_PER_PERSON = (
    f"(SELECT DISTINCT ON ({_PERSON}, h.fact)"
    " h.pathway_id, h.fact, h.weight, h.since, h.opened_by FROM {held} h"
    f" LEFT JOIN person_links l ON l.pathway_id = h.pathway_id AND {_LINKED_AT}"
    f" ORDER BY {_PERSON}, h.fact, h.pathway_id)"
)
"""The held rows counted once per person: of the pathways linked as one person at `as_of`
(a confirmed duplicate, `person_links`, not undone by then), each fact counts on the first
pathway (by id) that holds it, with its weight; a pathway linked to no one is its own
person. The facts of indicators that count activities or attendances, not people
(`not_persons`), count on every pathway still."""

_CUT_TO_OWNER = (
    "SELECT f.pathway_id, f.fact, f.weight, f.opened_by,"
    " GREATEST(f.since, o.since) AS since,"
    " NULLIF(LEAST(COALESCE(f.until, 'infinity'), COALESCE(o.until, 'infinity')),"
    " 'infinity') AS until,"
    " GREATEST(f.occurred_since, o.occurred_since) AS occurred_since,"
    " NULLIF(LEAST(COALESCE(f.occurred_until, 'infinity'),"
    " COALESCE(o.occurred_until, 'infinity')), 'infinity') AS occurred_until"
)
"""A fact row `f` cut to the interval of its pathway's ownership row `o` (both times)."""

OWNED = (
    "(" + _CUT_TO_OWNER + " FROM indicator_facts f JOIN indicator_facts o"
    " ON o.pathway_id = f.pathway_id AND o.fact = %(owner)s"
    " AND o.since < COALESCE(f.until, 'infinity') AND f.since < COALESCE(o.until, 'infinity'))"
)
"""Each fact row cut to the time its pathway belonged to the organisation `%(owner)s`: the
intersection of its interval with the organisation fact's (`domain.indicators.owned_by`),
in recording and in business time."""


OWNED_LOOKED_UP = (
    "("
    + _CUT_TO_OWNER
    + " FROM indicator_facts o CROSS JOIN LATERAL (SELECT * FROM indicator_facts f"
    " WHERE f.pathway_id = o.pathway_id AND f.fact = ANY(%(facts)s)"
    " AND o.since < COALESCE(f.until, 'infinity') AND f.since < COALESCE(o.until, 'infinity')"
    " OFFSET 0) f WHERE o.fact = %(owner)s)"
)
"""`OWNED` for an organisation of few pathways among many, reading `%(facts)s`: each of its
pathways' rows looked up by the pathway's key (`OFFSET 0` keeps the lookup a nested loop).
The planner prices those lookups at several times their cost and scans every fact row
instead, which is the better plan only for an organisation that owns a large share of them
(`looked_up`): on 100,000 pathways, an organisation of 8,300 read in 0.35 s, not 0.5-0.75."""

ROWS_PER_LOOKUP = 200
"""Fact rows a scan reads in the time one pathway's rows are looked up by its key (measured
on the bench's 3.5 million rows, warm: 42 µs a pathway against 0.22 µs a row)."""

OWNED_ROWS = (
    "SELECT count(*), (SELECT reltuples FROM pg_class WHERE oid = 'indicator_facts'::regclass)"
    " FROM indicator_facts WHERE fact = %(owner)s"
)
"""The ownership rows of `%(owner)s`, and the fact rows in all (the statistics' estimate)."""


def looked_up(owned_rows: int, all_rows: float) -> bool:
    """Whether an organisation's rows are read by looking up each of its pathways
    (`OWNED_LOOKED_UP`) rather than by scanning them all (`OWNED`): when its ownership rows
    are fewer than a `ROWS_PER_LOOKUP`th of every fact row. `all_rows` is negative when the
    table was never analysed: then the scan, the planner's own choice."""
    return all_rows > 0 and owned_rows * ROWS_PER_LOOKUP < all_rows


def fact_source(organisation_id: str | None, *, few: bool = False) -> sql.Composable:
    """The fact rows to read: all, or those of one organisation's time (`OWNED`; with `few`,
    `OWNED_LOOKED_UP`, which reads only the facts `%(facts)s`).

    A pathway transferred is counted for the organisation that owned it at each instant,
    so a report of a past day stays what it was (docs/referral-and-transfer.md).
    """
    if organisation_id is None:
        return sql.SQL("indicator_facts")
    return sql.SQL(OWNED_LOOKED_UP if few else OWNED)


def held_rows(
    as_of: datetime,
    facts: Sequence[str],
    period: tuple[date, date] | None,
    organisation_id: str | None = None,
    *,
    few: bool = False,
) -> tuple[sql.Composable, dict[str, Any]]:
    """The rows holding as known at `as_of` (and during `period`), one per pathway and fact,
    within the time the pathway belonged to `organisation_id` if given (its pathways looked
    up one by one if `few`: `fact_source`)."""
    if as_of.tzinfo is None:
        raise ValueError("as_of must carry a time zone")
    params: dict[str, Any] = {"as_of": as_of, "facts": list(facts)}
    if organisation_id is not None:
        params["owner"] = owned_by(organisation_id)
    source = fact_source(organisation_id, few=few)
    if period is None:
        return (
            sql.SQL(
                "(SELECT pathway_id, fact, weight, since, opened_by FROM {source} s"
                " WHERE fact = ANY(%(facts)s) AND since <= %(as_of)s"
                " AND (until IS NULL OR until > %(as_of)s))"
            ).format(source=source),
            params,
        )
    start, end = period
    if end < start:
        raise ValueError("the period ends before it starts")
    params["start"] = datetime.combine(start, time(), UTC)
    params["end"] = datetime.combine(end + timedelta(days=1), time(), UTC)
    # Known at as_of: closed after as_of means still open then, whatever closed it later.
    return (
        sql.SQL(
            "(SELECT DISTINCT ON (pathway_id, fact) pathway_id, fact, weight, since, opened_by"
            " FROM {source} s"
            " WHERE fact = ANY(%(facts)s) AND since <= %(as_of)s"
            " AND occurred_since < %(end)s"
            " AND (until IS NULL OR until > %(as_of)s OR occurred_until > %(start)s)"
            " ORDER BY pathway_id, fact, since DESC)"
        ).format(source=source),
        params,
    )
