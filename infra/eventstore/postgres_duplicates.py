"""`DuplicateDecisions` on PostgreSQL (migrations 0026, 0028): an entry of the decisions'
log and the person links it changes in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.duplicates import Decision, DuplicateReason, current_decisions
from infra.db import Pool
from infra.eventstore.duplicates import DecidedPair, PersonLink, check_decidable, relinked

_COLUMNS = "first_pathway_id, second_pathway_id, decision, reason, decided_by, decided_at"
_LOG = f"SELECT {_COLUMNS} FROM duplicate_decisions ORDER BY position"
_INSERT = f"INSERT INTO duplicate_decisions ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)"
_LINKS = (
    "SELECT pathway_id, person_key, linked_at, unlinked_at FROM person_links"
    " ORDER BY pathway_id, linked_at"
)
_OPEN_LINKS = (
    "SELECT pathway_id, person_key, linked_at, unlinked_at FROM person_links"
    " WHERE unlinked_at IS NULL"
)
_UNLINK = (
    "UPDATE person_links SET unlinked_at = %s WHERE unlinked_at IS NULL"
    " AND NOT (pathway_id = ANY(%s))"
)
_UPSERT = (
    "INSERT INTO person_links (pathway_id, person_key, linked_at) VALUES (%s, %s, %s)"
    " ON CONFLICT (pathway_id) WHERE unlinked_at IS NULL"
    " DO UPDATE SET person_key = EXCLUDED.person_key"
)


def _entry(row: tuple[Any, ...]) -> DecidedPair:
    first, second, decision, reason, by, at = row
    return DecidedPair(first, second, Decision(decision), DuplicateReason(reason), by, at)


class PostgresDuplicateDecisions:
    """The decisions and person links on a pool whose database has been migrated."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def decisions(self) -> list[DecidedPair]:
        """See `DuplicateDecisions.decisions`."""
        return list(current_decisions(await self.history()).values())

    async def history(self) -> list[DecidedPair]:
        """See `DuplicateDecisions.history`."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(_LOG)
            return [_entry(row) for row in await cur.fetchall()]

    async def decide(self, decided: DecidedPair) -> None:
        """See `DuplicateDecisions.decide`."""
        async with self._pool.connection() as conn, conn.transaction():
            # One decision at a time: the check, the entry and the links must not interleave.
            await conn.execute("LOCK TABLE person_links IN EXCLUSIVE MODE")
            log = [_entry(row) for row in await (await conn.execute(_LOG)).fetchall()]
            relink = check_decidable(current_decisions(log), decided)
            await conn.execute(
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
            if not relink:
                return
            confirmed = [
                pair
                for pair, d in current_decisions([*log, decided]).items()
                if d.decision is Decision.CONFIRMED
            ]
            links = [PersonLink(*row) for row in await (await conn.execute(_OPEN_LINKS)).fetchall()]
            kept = relinked(links, confirmed, decided.decided_at)
            at: datetime = decided.decided_at
            await conn.execute(_UNLINK, (at, [link.pathway_id for link in kept]))
            async with conn.cursor() as writer:
                await writer.executemany(_UPSERT, [link[:3] for link in kept])

    async def person_links(self) -> list[PersonLink]:
        """See `DuplicateDecisions.person_links`."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(_LINKS)
            return [PersonLink(*row) for row in await cur.fetchall()]
