"""`IndicatorQueries` on PostgreSQL: the reports' reads from `indicator_facts`.

What the times mean is said in `infra.indicators.queries`; the SQL that picks the fact rows
a read counts is `infra.indicators.postgres_fact_rows`'.

Every read runs with `prepare=False`: a report's best plan depends on its parameters (the
day asked, the organisation, the filters), and a statement psycopg prepares after its fifth
run gets PostgreSQL's generic plan after five more, made once for any day. On the dashboard
at 100,000 pathways that plan took 1.3 s where the custom one takes 0.7 (bench/RESULTS.md,
"Indicator dashboard": warm runs were slower than cold ones). Planning costs a millisecond.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from psycopg import sql

from domain.indicators.facts import owned_by
from infra.db import Pool
from infra.indicators.kept_points import Connection, KeptPoints, Sums
from infra.indicators.postgres_fact_rows import (
    ANY_LINK,
    JOIN_DIMENSIONS,
    ONCE_PER_PERSON,
    OWNED_ROWS,
    dimension_conditions,
    fact_source,
    held_rows,
    known_dimensions,
    looked_up,
)
from infra.indicators.postgres_projection import PROJECTION
from infra.indicators.queries import Contribution, IndicatorQueries, Role, Row

if TYPE_CHECKING:
    from domain.indicators import Indicator

NOT_PERSONS = frozenset({"events", "participations"})
"""What an indicator counts (`Indicator.counts`) when it counts no person: activities held,
attendances. Every other figure counts a person once (`ONCE_PER_PERSON`)."""


class PostgresIndicatorQueries(IndicatorQueries):
    """The reports' reads, on a pool whose database the projector keeps up to date."""

    def __init__(self, pool: Pool, catalogue: Sequence[Indicator] | None = None) -> None:
        if catalogue is None:
            from domain.indicators import CATALOGUE

            catalogue = CATALOGUE
        self._pool = pool
        self._catalogue = tuple(catalogue)
        self._not_persons = sorted(
            {f for i in self._catalogue if i.counts in NOT_PERSONS for f in i.facts}
        )
        self._kept = KeptPoints(PROJECTION)

    async def indicator_table(
        self,
        as_of: datetime,
        *,
        by: Sequence[str] = (),
        organisation_id: str | None = None,
        period: tuple[date, date] | None = None,
        filters: Mapping[str, str | None] | None = None,
    ) -> list[Row]:
        """Every indicator in every cell of the `by` dimensions, as known at `as_of`.

        Cells are those where some fact holds; an indicator absent from a cell is 0 there.
        With `organisation_id`, only that organisation's pathways (a supervisor's scope);
        `filters` keeps the pathways of one value per dimension, as in `pathways_for`
        (None: pathways without that dimension).

        Raises:
            ValueError: an unknown dimension, or a naive `as_of`.
        """
        by = known_dimensions(by)
        facts = sorted({f for i in self._catalogue for f in i.facts})
        few = await self._looked_up(organisation_id)
        source, params = held_rows(as_of, facts, period, organisation_id, few=few)
        source = await self._once_per_person(source, as_of)
        params["not_persons"] = self._not_persons
        chosen = dict(filters or {})
        known_dimensions(list(chosen))
        keys = [sql.SQL("d.{}").format(sql.Identifier(c)) for c in by]
        needs_join = bool(by) or bool(chosen)
        conditions, condition_params = dimension_conditions(chosen)
        query = sql.SQL(
            "SELECT {keys} f.fact, sum(f.weight)::bigint, count(*) FROM {source} f {join}"
            " {scope} GROUP BY {groups} f.fact"
        ).format(
            keys=sql.SQL("").join(k + sql.SQL(", ") for k in keys),
            source=source,
            join=sql.SQL(JOIN_DIMENSIONS if needs_join else ""),
            scope=sql.SQL("WHERE ") + sql.SQL(" AND ").join(conditions)
            if conditions
            else sql.SQL(""),
            groups=sql.SQL("").join(k + sql.SQL(", ") for k in keys),
        )
        params.update(condition_params)
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, params, prepare=False)
            rows = await cur.fetchall()
        sums: Sums = {}
        for *cell, fact, total, count in rows:
            sums.setdefault(tuple(cell), {})[fact] = (int(total), int(count))
        return self._table(by, sums)

    async def trend(
        self,
        points: Sequence[datetime],
        *,
        by: Sequence[str] = (),
        organisation_id: str | None = None,
        filters: Mapping[str, str | None] | None = None,
    ) -> list[list[Row]]:
        """`indicator_table(p, by=…, organisation_id=…, filters=…)` for each of `points`, in ONE
        query.

        A dashboard's trend line needs a dozen instants; a query per instant would read the
        facts a dozen times. Instead each fact row is read once: it adds its weight from the
        first point at or after `since`, and takes it away from the first point at or after
        `until` (`width_bucket` over the sorted points), and the running sums give the value
        at each point. Exactly the rows `since <= p < until` count at `p`, as in
        `indicator_table`. The totals (no breakdown, filter nor organisation) of the past
        points are kept between calls (`infra.indicators.kept_points`): a later call reads
        from the latest kept point on, only the rows opened or closed after it.

        Raises:
            ValueError: an unknown dimension, or a naive point.
        """
        by = known_dimensions(by)
        if any(p.tzinfo is None for p in points):
            raise ValueError("points must carry a time zone")
        if not points:
            return []
        if await self._linked_between(min(points), max(points)):
            # A person counted once is a choice among her pathways at each instant, which
            # running sums cannot make: one table per point (docs/indicators.md).
            return [
                await self.indicator_table(
                    p, by=by, organisation_id=organisation_id, filters=filters
                )
                for p in points
            ]
        instants = sorted(set(points))
        chosen = dict(filters or {})
        known_dimensions(list(chosen))
        # The totals of past points are kept between reads (`infra.indicators.kept_points`).
        keeping = not by and not chosen and organisation_id is None
        async with self._pool.connection() as conn:
            watch = await self._kept.watch(conn) if keeping else None
            known = self._kept.prefix(instants) if keeping else []
            base = instants[len(known) - 1] if known else None
            rest = instants[len(known) :]
            rows = (
                await self._changes(conn, rest, base, by, organisation_id, chosen) if rest else []
            )
        changes: list[Sums] = [{} for _ in rest]
        for *cell, fact, sign, index, total, count in rows:
            at = changes[index].setdefault(tuple(cell), {})
            weight, pathways = at.get(fact, (0, 0))
            at[fact] = (weight + sign * int(total), pathways + sign * int(count))
        sums_at: dict[datetime, Sums] = dict(zip(instants, known, strict=False))
        running: Sums = {key: dict(held) for key, held in known[-1].items()} if known else {}
        for instant, changed in zip(rest, changes, strict=True):
            for key, deltas in changed.items():
                held = running.setdefault(key, {})
                for name, (weight, pathways) in deltas.items():
                    before = held.get(name, (0, 0))
                    held[name] = (before[0] + weight, before[1] + pathways)
            sums_at[instant] = running
            if watch is not None:
                self._kept.keep(watch, instant, running)
            running = {key: dict(held) for key, held in running.items()}
        tables: dict[datetime, list[Row]] = {}
        for instant, sums in sums_at.items():
            # A cell is shown where some fact holds, as in indicator_table.
            now_held = {
                key: {f: v for f, v in held.items() if v[1]}
                for key, held in sums.items()
                if any(v[1] for v in held.values())
            }
            tables[instant] = self._table(by, now_held)
        return [tables[p] for p in points]

    async def _changes(
        self,
        conn: Connection,
        instants: Sequence[datetime],
        base: datetime | None,
        by: Sequence[str],
        organisation_id: str | None,
        chosen: Mapping[str, str | None],
    ) -> list[tuple[Any, ...]]:
        """The trend's changes at each of `instants` (sorted): per cell and fact, the weights
        and pathways a point adds (+1) and takes away (-1) from the one before; from nothing,
        or, after `base` (a kept point), from the sums at `base`.

        Each fact row is read once: it adds its weight from the first point at or after
        `since`, and takes it away from the first point at or after `until` (`width_bucket`
        over the sorted points). From nothing, the rows held at the first point all add at
        it; after `base`, only the rows opened or closed after it are read.
        """
        facts = sorted({f for i in self._catalogue for f in i.facts})
        keys = sql.SQL("").join(sql.SQL("d.{}, ").format(sql.Identifier(c)) for c in by)
        needs_join = bool(by) or bool(chosen)
        conditions, condition_params = dimension_conditions(chosen)
        groups = sql.SQL(", ").join(sql.SQL(str(n)) for n in range(1, len(by) + 4))
        half = (
            "SELECT {keys} f.fact, {sign}, width_bucket(f.{edge}, %(after)s),"
            " sum(f.weight)::bigint, count(*) FROM {facts_source} f {join}"
            " WHERE f.fact = ANY(%(facts)s) AND {held} {scope} GROUP BY {groups}"
        )
        parts = {
            "join": sql.SQL(JOIN_DIMENSIONS if needs_join else ""),
            "facts_source": fact_source(
                organisation_id, few=await self._looked_up(organisation_id, conn)
            ),
            "keys": keys,
            "scope": sql.SQL("").join(sql.SQL(" AND ") + c for c in conditions),
            "groups": groups,
        }
        if base is None:
            opened = "f.since <= %(last)s AND (f.until IS NULL OR f.until > %(first)s)"
            # Closed at or before the last point (the partial index on until): the other
            # rows' `until` falls after every point and takes nothing away.
            closed = "f.until > %(first)s AND f.until <= %(last)s"
        else:
            opened = "f.since > %(base)s AND f.since <= %(last)s"
            closed = "f.until > %(base)s AND f.until <= %(last)s"
        query = sql.SQL(" UNION ALL ").join(
            [
                sql.SQL(half).format(
                    sign=sql.SQL("1"), edge=sql.SQL("since"), held=sql.SQL(opened), **parts
                ),
                sql.SQL(half).format(
                    sign=sql.SQL("-1"), edge=sql.SQL("until"), held=sql.SQL(closed), **parts
                ),
            ]
        )
        # width_bucket(x, thresholds) counts the thresholds <= x; with each point moved by the
        # clock's resolution (1 µs) it counts the points before x: the index of the first
        # point at or after x.
        params: dict[str, Any] = {
            "after": [p + timedelta(microseconds=1) for p in instants],
            "first": instants[0],
            "last": instants[-1],
            "base": base,
            "facts": facts,
            "owner": owned_by(organisation_id) if organisation_id else None,
            **condition_params,
        }
        cur = await conn.execute(query, params, prepare=False)
        return await cur.fetchall()

    async def _looked_up(self, organisation_id: str | None, conn: Connection | None = None) -> bool:
        """Whether `organisation_id`'s rows are read by looking up its pathways one by one
        (`looked_up`: it owns few of them), on `conn` or a connection of its own."""
        if organisation_id is None:
            return False
        if conn is None:
            async with self._pool.connection() as own:
                return await self._looked_up(organisation_id, own)
        cur = await conn.execute(OWNED_ROWS, {"owner": owned_by(organisation_id)}, prepare=False)
        found = await cur.fetchone()
        assert found is not None
        return looked_up(int(found[0]), float(found[1]))

    async def _linked_between(self, first: datetime, last: datetime) -> bool:
        """Whether any pathway was linked to a person (a confirmed duplicate, not undone) at
        some instant from `first` to `last`."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(ANY_LINK, {"first": first, "last": last}, prepare=False)
            found = await cur.fetchone()
        return bool(found and found[0])

    async def _once_per_person(self, held: sql.Composable, as_of: datetime) -> sql.Composable:
        """`held`, one row per person and fact once some pathways are one person at `as_of`
        (`ONCE_PER_PERSON`); `held` itself when none are, so the usual read stays as fast."""
        if not await self._linked_between(as_of, as_of):
            return held
        return sql.SQL(ONCE_PER_PERSON).format(held=held)

    def _table(self, by: Sequence[str], sums: Sums) -> list[Row]:
        """Every indicator in every cell of `sums` (in the cells' order), or one total row."""
        if not sums and not by:
            sums = {(): {}}
        return [
            _row(indicator, tuple(zip(by, cell, strict=True)), sums[cell])
            for cell in sorted(sums, key=lambda c: tuple("" if v is None else v for v in c))
            for indicator in self._catalogue
        ]

    async def pathways_for(
        self,
        indicator_id: str,
        as_of: datetime,
        filters: Mapping[str, str | None] | None = None,
        organisation_id: str | None = None,
        *,
        limit: int = 1000,
    ) -> list[Contribution]:
        """The pathways behind one figure (drill-down), within `organisation_id` if given.

        For a rate or mean, both the numerator's and the denominator's pathways. `filters`
        picks the cell: dimension → value (None: pathways without that dimension).

        Raises:
            KeyError: no indicator has this id.
            ValueError: an unknown dimension, or a naive `as_of`.
        """
        indicator = next((i for i in self._catalogue if i.indicator_id == indicator_id), None)
        if indicator is None:
            raise KeyError(indicator_id)
        filters = dict(filters or {})
        known_dimensions(list(filters))
        roles: dict[str, Role] = (
            {indicator.numerator_fact: "count"}
            if indicator.denominator_fact is None
            else {indicator.denominator_fact: "denominator", indicator.numerator_fact: "numerator"}
        )
        source, params = held_rows(as_of, list(roles), None, organisation_id)
        source = await self._once_per_person(source, as_of)
        params["not_persons"] = self._not_persons
        conditions, condition_params = dimension_conditions(filters)
        params.update(condition_params)
        query = sql.SQL(
            "SELECT f.pathway_id, f.fact, f.weight, f.since, f.opened_by FROM {source} f"
            " " + JOIN_DIMENSIONS + " {where}"
            " ORDER BY f.pathway_id, f.fact LIMIT %(limit)s"
        ).format(
            source=source,
            where=sql.SQL("WHERE ") + sql.SQL(" AND ").join(conditions)
            if conditions
            else sql.SQL(""),
        )
        params["limit"] = limit
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, params, prepare=False)
            rows = await cur.fetchall()
        return [
            Contribution(
                pathway_id=p, role=roles[f], fact=f, weight=w, since=s.astimezone(UTC), opened_by=o
            )
            for p, f, w, s, o in rows
        ]


def _row(
    indicator: Indicator,
    cell: tuple[tuple[str, str | None], ...],
    sums: Mapping[str, tuple[int, int]],
) -> Row:
    numerator, numerator_pathways = sums.get(indicator.numerator_fact, (0, 0))
    if indicator.denominator_fact is None:
        return Row(indicator, cell, numerator, numerator, None, numerator_pathways, None)
    denominator, denominator_pathways = sums.get(indicator.denominator_fact, (0, 0))
    value = numerator / denominator if denominator else None
    return Row(
        indicator,
        cell,
        value,
        numerator,
        denominator,
        numerator_pathways,
        denominator_pathways,
    )
