"""The search index in PostgreSQL: its writer (run in the append's transaction) and its
queries, on the table of migration 0018. Only keyed tokens are stored (`search_tokens`);
the clear words never reach the database."""

from __future__ import annotations

from collections.abc import Sequence

from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.crypto.search_tokens import Token, TokenKind, beneficiary_tokens, query_clauses
from infra.db import Pool
from infra.eventstore.postgres_statements import Connection
from infra.eventstore.search_index import (
    IDENTIFYING,
    MAX_HITS,
    IndexedPathway,
    IndexedTokens,
    SearchKey,
    SearchScope,
)

_INSERT = "INSERT INTO search_tokens (pathway_id, kind, token) VALUES (%s, %s, %s)"
# The kind is inside each HMAC, so a token names its kind: matching on the token suffices.
_HOLDING = "SELECT pathway_id FROM search_tokens WHERE token = ANY(%s)"
_HOLDING_ALL = f"{_HOLDING} GROUP BY pathway_id HAVING count(*) = %s"
# The identifying tokens held by more than one pathway (all of them, or those of one).
_SHARED = (
    "SELECT o.pathway_id FROM search_tokens t JOIN search_tokens o USING (kind, token)"
    " WHERE t.kind = ANY(%(kinds)s) AND t.pathway_id <> o.pathway_id"
)


class SearchIndexWriter:
    """Replaces a pathway's tokens when an append (or a rebuild) gives its beneficiary."""

    def __init__(self, key: SearchKey) -> None:
        self._key = key

    async def on_append(
        self, conn: Connection, records: Sequence[EventRecord], update: ReadModelUpdate
    ) -> None:
        await self._write(conn, update)

    async def on_rebuild(self, conn: Connection, update: ReadModelUpdate) -> None:
        await self._write(conn, update)

    async def _write(self, conn: Connection, update: ReadModelUpdate) -> None:
        if update.search is None:
            return
        pathway_id = update.summary.pathway_id
        await conn.execute("DELETE FROM search_tokens WHERE pathway_id = %s", (pathway_id,))
        beneficiary = update.search.beneficiary
        if beneficiary is None:
            return
        tokens = beneficiary_tokens(await self._key.key(), beneficiary)
        async with conn.cursor() as cur:
            await cur.executemany(
                _INSERT, [(pathway_id, t.kind.value, t.value) for t in sorted(tokens)]
            )


class PostgresSearchIndex:
    """`SearchIndexQueries` on a psycopg pool whose database has been migrated."""

    def __init__(self, pool: Pool, key: SearchKey) -> None:
        self._pool = pool
        self._key = key

    async def search(self, text: str, scope: SearchScope, limit: int = MAX_HITS) -> list[str]:
        """See `SearchIndexQueries.search`."""
        clauses = query_clauses(await self._key.key(), text)
        if not clauses:
            return []
        union = " UNION ".join(f"({_HOLDING_ALL})" for _ in clauses)
        params: list[object] = []
        for clause in clauses:
            params += [[t.value for t in clause], len(clause)]
        where = ""
        for column, value in (
            ("organisation_id", scope.organisation_id),
            ("caseworker_id", scope.caseworker_id),
        ):
            if value is not None:
                where += f" AND s.{column} = %s"
                params.append(value)
        params.append(limit)
        query = (
            f"SELECT s.pathway_id FROM pathway_summaries s WHERE s.pathway_id IN ({union})"
            f"{where} ORDER BY s.pathway_id LIMIT %s"
        )
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, params)
            return [row[0] for row in await cur.fetchall()]

    async def holding_all(self, tokens: frozenset[Token]) -> list[IndexedPathway]:
        """See `SearchIndexQueries.holding_all`."""
        if not tokens:
            return []
        query = (
            "SELECT s.pathway_id, s.organisation_id FROM pathway_summaries s"
            f" WHERE s.pathway_id IN ({_HOLDING_ALL}) ORDER BY s.pathway_id"
        )
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, ([t.value for t in tokens], len(tokens)))
            return [IndexedPathway(*row) for row in await cur.fetchall()]

    async def search_key(self) -> bytes:
        """See `SearchIndexQueries.search_key`."""
        return await self._key.key()

    async def sharing(self, pathway_id: str | None = None) -> list[IndexedTokens]:
        """See `SearchIndexQueries.sharing`."""
        params = {"kinds": [k.value for k in IDENTIFYING], "pathway": pathway_id}
        if pathway_id is None:
            chosen = _SHARED
        else:
            chosen = f"{_SHARED} AND t.pathway_id = %(pathway)s UNION SELECT %(pathway)s"
        query = (
            "SELECT s.pathway_id, s.organisation_id, t.kind, t.token FROM pathway_summaries s"
            f" JOIN search_tokens t USING (pathway_id) WHERE s.pathway_id IN ({chosen})"
            " ORDER BY s.pathway_id"
        )
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, params)
            rows = await cur.fetchall()
        found: dict[str, tuple[str, set[Token]]] = {}
        for pathway, organisation, kind, value in rows:
            found.setdefault(pathway, (organisation, set()))[1].add(Token(TokenKind(kind), value))
        return [IndexedTokens(p, o, frozenset(t)) for p, (o, t) in found.items()]

    async def tokens_of(self, pathway_id: str) -> frozenset[Token]:
        """The pathway's tokens as stored (tests, and the erasure's check)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT kind, token FROM search_tokens WHERE pathway_id = %s", (pathway_id,)
            )
            return frozenset(Token(TokenKind(k), v) for k, v in await cur.fetchall())
