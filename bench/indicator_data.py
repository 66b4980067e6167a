"""The dashboard bench's data: 100,000 pathways made inside PostgreSQL, and their dump.

The event rows (synthetic payloads of a realistic size, with their indexes) and, since
replaying 2,000,000 events through `evolve` would take far longer than the generation, the
projection's rows directly (`indicator_dimensions`, `indicator_facts`, who owned each pathway
when), all made with generate_series in a database of their own, dumped once and kept
under a key of everything they depend on (`bench.dashboard_dump`): the statements here,
their parameters and the migrations. `bench.indicators_scale` restores and measures them.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from bench.dashboard_dump import cache_dir, dump, dump_key, dump_path
from domain.indicators import CATALOGUE
from domain.indicators.facts import OWNED_BY
from infra.embedded import EmbeddedPostgres
from infra.migrate import available_migrations, migrate

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SPAN_DAYS = 730
ORGANISATIONS = 12
MOVED_EVERY = 20
"""One pathway in this many is transferred to another organisation during its life."""
GENERATED = "generated"
"""The database the data is generated in before its dump (dropped after)."""

_EVENTS = """
INSERT INTO events (stream_id, version, type, schema_version, data, metadata, command_id,
                    occurred_at, recorded_at)
SELECT 'pathway-p' || lpad(p::text, 6, '0'), v,
       (ARRAY['PathwayOpened','BaselineRecorded','SkillsAssessmentRecorded','PlanProposed',
              'PlanApproved','MeasureStarted','MeasureProgressRecorded','MeasureCompleted',
              'PaymentRequested','PaymentApproved','PaymentPaid','NoteAdded'])
           [1 + (v * 7 + p) %% 12],
       1,
       jsonb_build_object('measure_id', 'm' || (v %% 5), 'note', repeat('x', 40 + (p + v) %% 60)),
       '{"actor": {"id": "anna", "role": "caseworker"}}'::jsonb,
       'c-' || p || '-' || v,
       %(start)s::timestamptz + ((p * 7919 %% %(span)s) || ' days')::interval
           + (v || ' hours')::interval,
       %(start)s::timestamptz + ((p * 7919 %% %(span)s) || ' days')::interval
           + (v || ' hours')::interval
FROM generate_series(1, %(pathways)s) AS p, generate_series(1, %(per)s) AS v
ORDER BY p, v
"""
_DIMENSIONS = """
INSERT INTO indicator_dimensions
SELECT 'p' || lpad(p::text, 6, '0'),
       'org-' || ((p + (p %% %(moved_every)s = %(moved_at)s)::int) %% %(orgs)s),
       (ARRAY['female','male','other'])[1 + (p * 31 %% 100 > 45)::int + (p %% 97 = 0)::int],
       (ARRAY['0-17','18-24','25-34','35-44','45-54','55+'])[1 + p * 13 %% 6],
       (ARRAY['AF','NG','GN','SY','UA','PK','BD','ML','CI','SN'])[1 + p * 17 %% 10],
       (ARRAY['refugee','subsidiary','special','asylum_seeker'])[1 + p * 11 %% 4]
FROM generate_series(1, %(pathways)s) AS p
"""
# Who owned each pathway when (`domain.indicators.owned_by`): its organisation from its
# opening; one in `moved_every` transferred to the next organisation `moved_after` later, as
# a transfer records it (the first owner's row closed, the next one's opened; the dimension
# names the current owner). A supervisor's figures are read through these rows (`OWNED`).
_OWNERSHIP = """
WITH opened AS (
    SELECT p, %(start)s::timestamptz + ((p * 7919 %% %(span)s) || ' days')::interval AS since,
           %(start)s::timestamptz + ((p * 7919 %% %(span)s) || ' days')::interval
               + %(moved_after)s::interval AS moved_on,
           p %% %(moved_every)s = %(moved_at)s AS moved
    FROM generate_series(1, %(pathways)s) AS p
)
INSERT INTO indicator_facts (pathway_id, fact, weight, since, until, occurred_since,
                             occurred_until, opened_by, closed_by)
SELECT 'p' || lpad(p::text, 6, '0'), %(owner)s || 'org-' || (p %% %(orgs)s), 1, since,
       CASE WHEN moved THEN moved_on END, since, CASE WHEN moved THEN moved_on END,
       p * 20, CASE WHEN moved THEN p * 20 + 19 END
FROM opened
UNION ALL
SELECT 'p' || lpad(p::text, 6, '0'), %(owner)s || 'org-' || ((p + 1) %% %(orgs)s), 1,
       moved_on, NULL, moved_on, NULL, p * 20 + 19, NULL
FROM opened WHERE moved
"""
# One open row per (pathway, fact) when the pathway holds it; a fifth also has an earlier,
# closed interval with another weight.
_FACTS = """
WITH held AS (
    SELECT p, f.fact, f.i,
           %(start)s::timestamptz + ((p * 7919 %% %(span)s) || ' days')::interval
               + ((f.i * 37 + p) %% 90 || ' days')::interval AS since
    FROM generate_series(1, %(pathways)s) AS p,
         unnest(%(facts)s::text[]) WITH ORDINALITY AS f(fact, i)
    WHERE (p * 2654435761 + f.i * 40503) %% 100 < 40
)
INSERT INTO indicator_facts (pathway_id, fact, weight, since, until, occurred_since,
                             occurred_until, opened_by, closed_by)
SELECT 'p' || lpad(p::text, 6, '0'), fact, 1 + (p + i) %% 3, since, NULL, since, NULL,
       p * 20 + i %% 20, NULL
FROM held
UNION ALL
SELECT 'p' || lpad(p::text, 6, '0'), fact, 1, since - interval '30 days', since,
       since - interval '32 days', since, p * 20 + i %% 20 - 1, p * 20 + i %% 20
FROM held WHERE (p + i) %% 5 = 0
"""


def parameters(pathways: int, per_pathway: int) -> dict[str, Any]:
    """The generator's parameters for `pathways` × `per_pathway` events."""
    return {
        "start": NOW - timedelta(days=SPAN_DAYS),
        "span": SPAN_DAYS - 120,
        "pathways": pathways,
        "per": per_pathway,
        "orgs": ORGANISATIONS,
        "facts": sorted({f for i in CATALOGUE for f in i.facts}),
        "owner": OWNED_BY,
        "moved_every": MOVED_EVERY,
        "moved_at": 7,
        "moved_after": "90 days",
    }


def cached_dump(pathways: int, per_pathway: int) -> Path:
    """The dump of this generator's data at this size (present or not), by its key."""
    key = dump_key(
        (_EVENTS, _DIMENSIONS, _OWNERSHIP, _FACTS),
        parameters(pathways, per_pathway),
        [f"{m.name}\n{m.sql.decode()}" for m in available_migrations()],
    )
    return dump_path(cache_dir(), pathways, per_pathway, key)


async def generate_dump(pathways: int, per_pathway: int, path: Path) -> dict[str, float]:
    """Generate the data on a server of its own and dump it to `path`; seconds of each step."""
    root = Path(tempfile.mkdtemp(prefix="pwg", dir="/tmp"))
    postgres = EmbeddedPostgres(root / "pg")
    try:
        await asyncio.to_thread(postgres.start)
        return await generate_beside(postgres, pathways, per_pathway, path)
    finally:
        await asyncio.to_thread(postgres.stop)
        shutil.rmtree(root, ignore_errors=True)


async def generate_beside(
    postgres: EmbeddedPostgres, pathways: int, per_pathway: int, path: Path
) -> dict[str, float]:
    """Generate the data in a database of its own on the running `postgres`, dump it to
    `path` and drop that database; seconds of each step. A run that finds no dump does
    this on the server it then restores into: one server started (and one initdb), not
    two, and the measured database holds only what the dump restored."""
    admin = postgres.uri("postgres")
    async with await psycopg.AsyncConnection.connect(admin, autocommit=True) as conn:
        await conn.execute(f"CREATE DATABASE {GENERATED}")
    try:
        uri = postgres.uri(GENERATED)
        seconds = await generate_into(uri, pathways, per_pathway)
        started = time.perf_counter()
        await asyncio.to_thread(dump, uri, path)
        seconds["dump"] = round(time.perf_counter() - started, 1)
        return seconds
    finally:
        async with await psycopg.AsyncConnection.connect(admin, autocommit=True) as conn:
            await conn.execute(f"DROP DATABASE IF EXISTS {GENERATED} WITH (FORCE)")


async def generate_into(uri: str, pathways: int, per_pathway: int) -> dict[str, float]:
    """Migrate the empty database at `uri` and generate the data; seconds of each step."""
    await migrate(uri)
    generation: dict[str, float] = {}
    async with await psycopg.AsyncConnection.connect(uri, autocommit=True) as conn:
        for name, statement in (
            ("events", _EVENTS),
            ("dimensions", _DIMENSIONS),
            ("ownership", _OWNERSHIP),
            ("facts", _FACTS),
        ):
            started = time.perf_counter()
            await conn.execute(statement, parameters(pathways, per_pathway))
            generation[name] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        await conn.execute("VACUUM ANALYZE")
        generation["vacuum_analyze"] = round(time.perf_counter() - started, 1)
    return generation
