"""One batch of the indicator projection, in the caller's transaction: its reads and writes.

The projector (`infra.indicators.postgres_projection`) locks the projection's position
(`lock_position`), loads the snapshots and open facts of the pathways the batch touches
(`load_states`, `load_open_facts`), and writes what `intervals.project_batch` made of them
(`write_batch`): closed and new intervals, snapshots, dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.indicators.intervals import BatchResult
from domain.state import PathwayState
from domain.stream import stream_id_for
from infra.crypto.keyring import KEY_DESTROYED, KeyUnavailable
from infra.crypto.sealing import FieldSealer
from infra.indicators.postgres_projection_tables import Connection, ProjectionStatements


async def lock_position(conn: Connection, name: str) -> int:
    """The position of projection `name` (0 for a new one), its row locked until the commit."""
    await conn.execute(
        "INSERT INTO projection_positions (name, position) VALUES (%s, 0)"
        " ON CONFLICT (name) DO NOTHING",
        (name,),
    )
    cur = await conn.execute(
        "SELECT position FROM projection_positions WHERE name = %s FOR UPDATE", (name,)
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def load_states(
    conn: Connection,
    statements: ProjectionStatements,
    pathways: Sequence[str],
    sealer: FieldSealer | None,
) -> dict[str, PathwayState]:
    """The snapshots of `pathways` that the tables hold, opened with the sealer if any."""
    cur = await conn.execute(statements.load_states, (list(pathways),))
    states = {}
    for pathway_id, text in await cur.fetchall():
        if sealer is not None:
            text = await sealer.open_snapshot(stream_id_for(pathway_id), text)
        states[pathway_id] = PathwayState.model_validate_json(text)
    return states


async def load_open_facts(
    conn: Connection, statements: ProjectionStatements, pathways: Sequence[str]
) -> dict[str, dict[str, int]]:
    """The facts open on each of `pathways` (not yet closed), with their weights."""
    cur = await conn.execute(statements.open_facts, (list(pathways),))
    held: dict[str, dict[str, int]] = {}
    for pathway_id, fact, weight in await cur.fetchall():
        held.setdefault(pathway_id, {})[fact] = weight
    return held


async def write_batch(
    conn: Connection,
    statements: ProjectionStatements,
    result: BatchResult,
    sealer: FieldSealer | None,
) -> None:
    """Write a projected batch: close and drop intervals, add new ones, keep the snapshots
    (sealed with the sealer if any) and the pathways' dimensions."""
    if result.closings:
        c = result.closings
        ids, facts = [x.pathway_id for x in c], [x.fact for x in c]
        untils = [x.until for x in c]
        await conn.execute(statements.drop_empty, (ids, facts, untils))
        await conn.execute(
            statements.close,
            (ids, facts, untils, [x.occurred_until for x in c], [x.closed_by for x in c]),
        )
    if result.inserts:
        async with conn.cursor() as cur, cur.copy(statements.copy_facts) as copy:
            for r in result.inserts:
                await copy.write_row(
                    (
                        r.pathway_id,
                        r.fact,
                        r.weight,
                        r.since,
                        r.until,
                        r.occurred_since,
                        r.occurred_until,
                        r.opened_by,
                        r.closed_by,
                    )
                )
    if result.states:
        ids = list(result.states)
        await conn.execute(
            statements.upsert_states,
            (
                ids,
                [result.states[p].version for p in ids],
                [await _snapshot(result.states[p], p, sealer) for p in ids],
            ),
        )
    known = [(p, v) for p, v in result.dimensions.items() if v is not None]
    if known:
        columns = list(zip(*(v for _, v in known), strict=True))
        await conn.execute(
            statements.upsert_dimensions, ([p for p, _ in known], *map(list, columns))
        )
    unknown = [p for p, v in result.dimensions.items() if v is None]
    if unknown:
        await conn.execute(statements.delete_dimensions, (unknown,))


async def _snapshot(state: PathwayState, pathway_id: str, sealer: FieldSealer | None) -> str:
    """The state as stored: JSON, sealed whole with the pathway's key when there is a sealer.

    A crypto-shredded pathway's state is kept in clear: it was folded from events whose
    personal fields read as erased, so it holds none, and no key is left to seal it with
    (a rebuild after an erasure would otherwise fail on it). `open_snapshot` reads it as
    it is.
    """
    text = state.model_dump_json()
    if sealer is None:
        return text
    try:
        return await sealer.seal_snapshot(stream_id_for(pathway_id), text)
    except KeyUnavailable as err:
        if err.code != KEY_DESTROYED:
            raise
        return text
