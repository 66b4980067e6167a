"""The tables the indicator projection writes, the SQL it runs on them, and a rebuild's swap.

A projection writes three tables (`Tables`): the live ones, or a rebuild's shadow copies of
them, which the rebuild swaps in for the live ones when it ends (`swap_in`). The SQL of a
batch is written once for either set (`ProjectionStatements`); table names are ours, never
user input.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import AsyncConnection
from psycopg.rows import TupleRow

from domain.indicators.intervals import DIMENSION_COLUMNS

Connection = AsyncConnection[TupleRow]

_FACT_COLUMNS = (
    "pathway_id, fact, weight, since, until, occurred_since, occurred_until, opened_by, closed_by"
)
_DIMENSIONS = ", ".join(DIMENSION_COLUMNS)


@dataclass(frozen=True)
class Tables:
    """The three tables a projection writes: the live ones, or a rebuild's shadow copies."""

    facts: str = "indicator_facts"
    dimensions: str = "indicator_dimensions"
    states: str = "indicator_states"

    def shadow(self) -> Tables:
        return Tables(*(f"{t}_rebuild" for t in (self.facts, self.dimensions, self.states)))

    def each(self) -> tuple[str, str, str]:
        return (self.facts, self.dimensions, self.states)


LIVE = Tables()


@dataclass(frozen=True)
class ProjectionStatements:
    """The projector's SQL on one set of tables (names are ours, never user input)."""

    tables: Tables

    @property
    def open_facts(self) -> str:
        return (
            f"SELECT pathway_id, fact, weight FROM {self.tables.facts}"
            " WHERE until IS NULL AND pathway_id = ANY(%s)"
        )

    @property
    def drop_empty(self) -> str:
        # A close at or before the interval's start means it held at no instant: drop it.
        return f"""
DELETE FROM {self.tables.facts} f
USING unnest(%s::text[], %s::text[], %s::timestamptz[]) AS c(pathway_id, fact, until)
WHERE f.pathway_id = c.pathway_id AND f.fact = c.fact AND f.until IS NULL
  AND f.since >= c.until
"""

    @property
    def close(self) -> str:
        return f"""
UPDATE {self.tables.facts} f
SET until = c.until, occurred_until = c.occurred_until, closed_by = c.closed_by
FROM unnest(%s::text[], %s::text[], %s::timestamptz[], %s::timestamptz[], %s::bigint[])
     AS c(pathway_id, fact, until, occurred_until, closed_by)
WHERE f.pathway_id = c.pathway_id AND f.fact = c.fact AND f.until IS NULL
"""

    @property
    def copy_facts(self) -> str:
        return f"COPY {self.tables.facts} ({_FACT_COLUMNS}) FROM STDIN"

    @property
    def load_states(self) -> str:
        return (
            f"SELECT pathway_id, state::text FROM {self.tables.states} WHERE pathway_id = ANY(%s)"
        )

    @property
    def upsert_states(self) -> str:
        return f"""
INSERT INTO {self.tables.states} (pathway_id, version, state)
SELECT p, v, s::jsonb FROM unnest(%s::text[], %s::int[], %s::text[]) AS u(p, v, s)
ON CONFLICT (pathway_id) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state
"""

    @property
    def upsert_dimensions(self) -> str:
        return f"""
INSERT INTO {self.tables.dimensions} (pathway_id, {_DIMENSIONS})
SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
ON CONFLICT (pathway_id) DO UPDATE SET
    {", ".join(f"{c} = EXCLUDED.{c}" for c in DIMENSION_COLUMNS)}
"""

    @property
    def delete_dimensions(self) -> str:
        return f"DELETE FROM {self.tables.dimensions} WHERE pathway_id = ANY(%s)"


KEEP_ERASED_AGE_BANDS = (
    "UPDATE {shadow} AS s SET age_band = l.age_band FROM indicator_dimensions AS l"
    " WHERE s.pathway_id = l.pathway_id AND l.age_band IS NOT NULL AND EXISTS ("
    "SELECT 1 FROM pathway_keys k WHERE k.pathway_id = s.pathway_id"
    " AND k.destroyed_at IS NOT NULL)"
)
"""A crypto-shredded pathway's birth date reads as a placeholder, so a rebuild would put it
in the oldest age band: it keeps the band the live table computed while the date was known."""


async def swap_in(conn: Connection, shadow: Tables) -> None:
    """Replace the live tables by the shadow ones, each index renamed to its live name."""
    for live, copy in zip(LIVE.each(), shadow.each(), strict=True):
        names = {}
        for table in (live, copy):
            cur = await conn.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass",
                (table,),
            )
            names[table] = {_index_shape(d): n for n, d in await cur.fetchall()}
        assert names[live].keys() == names[copy].keys(), (live, names)
        await conn.execute(f"DROP TABLE {live}")
        await conn.execute(f"ALTER TABLE {copy} RENAME TO {live}")
        for shape, name in names[copy].items():
            await conn.execute(f"ALTER INDEX {name} RENAME TO {names[live][shape]}")


def _index_shape(definition: str) -> str:
    """An index definition without its name and table: what makes two copies the same."""
    head, _, tail = definition.partition(" USING ")
    return ("UNIQUE " if head.startswith("CREATE UNIQUE") else "") + tail
