"""`DuplicateDecisions` on PostgreSQL (migration 0026): a decision and its person links in
one transaction."""

from __future__ import annotations

from domain.duplicates import Decision, DuplicateReason
from infra.db import Pool
from infra.eventstore.duplicates import AlreadyDecided, DecidedPair, PersonLink, relinked

_INSERT = (
    "INSERT INTO duplicate_decisions (first_pathway_id, second_pathway_id, decision, reason,"
    " decided_by, decided_at) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)
_LINKS = "SELECT pathway_id, person_key, linked_at FROM person_links ORDER BY pathway_id"
_UPSERT = (
    "INSERT INTO person_links (pathway_id, person_key, linked_at) VALUES (%s, %s, %s)"
    " ON CONFLICT (pathway_id) DO UPDATE SET person_key = EXCLUDED.person_key"
)


class PostgresDuplicateDecisions:
    """The decisions and person links on a pool whose database has been migrated."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def decisions(self) -> list[DecidedPair]:
        """See `DuplicateDecisions.decisions`."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT first_pathway_id, second_pathway_id, decision, reason, decided_by,"
                " decided_at FROM duplicate_decisions ORDER BY 1, 2"
            )
            return [
                DecidedPair(a, b, Decision(d), DuplicateReason(r), by, at)
                for a, b, d, r, by, at in await cur.fetchall()
            ]

    async def decide(self, decided: DecidedPair) -> None:
        """See `DuplicateDecisions.decide`."""
        async with self._pool.connection() as conn, conn.transaction():
            # One decision at a time: two confirmations joining persons must not interleave.
            await conn.execute("LOCK TABLE person_links IN EXCLUSIVE MODE")
            cur = await conn.execute(
                _INSERT,
                (
                    decided.first,
                    decided.second,
                    decided.decision.value,
                    decided.reason.value,
                    decided.decided_by,
                    decided.decided_at,
                ),
            )
            if cur.rowcount == 0:
                raise AlreadyDecided(f"{decided.first}, {decided.second} is decided already")
            if decided.decision is not Decision.CONFIRMED:
                return
            cur = await conn.execute(
                "SELECT first_pathway_id, second_pathway_id FROM duplicate_decisions"
                " WHERE decision = 'confirmed'"
            )
            confirmed = [(a, b) for a, b in await cur.fetchall()]
            links = [PersonLink(*row) for row in await (await conn.execute(_LINKS)).fetchall()]
            async with conn.cursor() as writer:
                await writer.executemany(_UPSERT, relinked(links, confirmed, decided.decided_at))

    async def person_links(self) -> list[PersonLink]:
        """See `DuplicateDecisions.person_links`."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(_LINKS)
            return [PersonLink(*row) for row in await cur.fetchall()]
