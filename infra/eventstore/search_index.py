"""The search index read model: each pathway's blind-index tokens, and what finds them.

`SearchIndexQueries` is what search (`web.search`) and duplicate detection ask;
`InMemorySearchIndex` is both the in-memory store's writer and its queries. The PostgreSQL
twin keeps the writer and the queries in `postgres_search_index`, on the table of
migration 0018. Tokens are made by `infra.crypto.search_tokens` under the search key
(`SearchKey`): the installation's `@search` key of the keyring, never a pathway's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple, Protocol

from domain.duplicates import Identity
from domain.projections import ReadModelUpdate
from domain.records import EventRecord
from infra.crypto.data_keys import DataKeys
from infra.crypto.sealing import FieldSealer
from infra.crypto.search_tokens import (
    Token,
    TokenKind,
    beneficiary_tokens,
    birth_date_token,
    document_token,
    name_tokens,
    query_clauses,
)
from infra.eventstore.queries import CaseloadQueries

SEARCH_KEY_OWNER = "@search"
"""The keyring's owner of the search key: an `@` begins no pathway id, so no erasure
destroys it, and no pathway's data key ever makes a token."""
CLEAR_STORE_KEY = b"pathways: a store without a sealer keeps personal data in clear anyway"
"""The key of a store built without a keyring (tests of the store's contract): its events
hold the names in clear already, so this key protects nothing and pretends nothing."""
MAX_HITS = 50
"""At most this many pathways per search: a search finds someone, it does not list."""


class SearchKey(Protocol):
    """Where the search key comes from."""

    async def key(self) -> bytes:
        """The HMAC key every token is made with."""
        ...


class FixedSearchKey:
    """A key given (tests, and stores without a keyring: `CLEAR_STORE_KEY`)."""

    def __init__(self, key: bytes = CLEAR_STORE_KEY) -> None:
        self._key = key

    async def key(self) -> bytes:
        return self._key


class KeyringSearchKey:
    """The installation's search key, `@search` of the keyring, made on first use and
    wrapped by the master key like every data key."""

    def __init__(self, keyring: DataKeys) -> None:
        self._keyring = keyring

    async def key(self) -> bytes:
        return (await self._keyring.current(SEARCH_KEY_OWNER)).key


def search_key_for(sealer: FieldSealer | None) -> SearchKey:
    """The search key of a store: its keyring's `@search` key, or `CLEAR_STORE_KEY` for a
    store without a sealer."""
    return FixedSearchKey() if sealer is None else KeyringSearchKey(sealer.keyring)


class SearchScope(NamedTuple):
    """Whose pathways a search runs over; None is no filter (the coordinator's scope)."""

    organisation_id: str | None = None
    caseworker_id: str | None = None


class IndexedPathway(NamedTuple):
    """A pathway a lookup found: its id and organisation, nothing of the person."""

    pathway_id: str
    organisation_id: str


class IndexedTokens(NamedTuple):
    """A pathway a duplicate check compares: its id, organisation and every token it holds."""

    pathway_id: str
    organisation_id: str
    tokens: frozenset[Token]

    def identity(self) -> Identity:
        """Its tokens as `domain.duplicates` compares them, by kind."""
        by_kind: dict[TokenKind, list[str]] = {}
        for held in sorted(self.tokens):
            by_kind.setdefault(held.kind, []).append(held.value)
        return Identity(
            document=next(iter(by_kind.get(TokenKind.DOCUMENT, ())), None),
            birth_date=next(iter(by_kind.get(TokenKind.BIRTH_DATE, ())), None),
            names=frozenset(by_kind.get(TokenKind.NAME, ())),
        )


IDENTIFYING = (TokenKind.DOCUMENT, TokenKind.BIRTH_DATE)
"""The kinds of token a possible duplicate must share one of (`domain.duplicates`)."""


class SearchIndexQueries(Protocol):
    """Which pathways hold the tokens a search or a duplicate check asks for."""

    async def search(self, text: str, scope: SearchScope, limit: int = MAX_HITS) -> list[str]:
        """The ids of the pathways in `scope` the text finds (any reading of
        `query_clauses`), by pathway id."""
        ...

    async def holding_all(self, tokens: frozenset[Token]) -> list[IndexedPathway]:
        """Every pathway, of any organisation, that holds all of `tokens`, by pathway id."""
        ...

    async def search_key(self) -> bytes:
        """The key the tokens were made with, for callers that make their own."""
        ...

    async def sharing(self, pathway_id: str | None = None) -> list[IndexedTokens]:
        """The pathways, of any organisation, that share a document or birth-date token
        with `pathway_id` (itself included), or with None with another pathway, each with
        all its tokens, by pathway id: what duplicate detection compares."""
        ...


async def pathways_with_document(index: SearchIndexQueries, number: str) -> list[IndexedPathway]:
    """The pathways of every organisation whose beneficiary has this document number."""
    found = document_token(await index.search_key(), number)
    return [] if found is None else await index.holding_all(frozenset({found}))


async def pathways_with_name_and_birth_date(
    index: SearchIndexQueries, name: str, birth_date: date
) -> list[IndexedPathway]:
    """The pathways of every organisation whose beneficiary was born on `birth_date` and
    whose name holds every word of `name` (in any order, accents and script aside)."""
    key = await index.search_key()
    names = name_tokens(key, name)
    if not names:
        return []
    return await index.holding_all(names | {birth_date_token(key, birth_date)})


class InMemorySearchIndex:
    """`SearchIndexQueries` in a dictionary, and the read model's writer; scopes are read
    from the store's caseload."""

    def __init__(self, caseload: CaseloadQueries, key: bytes = CLEAR_STORE_KEY) -> None:
        self._caseload = caseload
        self._key = key
        self._tokens: dict[str, frozenset[Token]] = {}

    def check(self, update: ReadModelUpdate) -> None:
        """Nothing to refuse."""

    def on_append(self, records: Sequence[EventRecord], update: ReadModelUpdate) -> None:
        """Replace the pathway's tokens when the append opened it."""
        self._write(update)

    def on_rebuild(self, update: ReadModelUpdate) -> None:
        """Replace the pathway's tokens when the rebuild gives its beneficiary."""
        self._write(update)

    def _write(self, update: ReadModelUpdate) -> None:
        if update.search is None:
            return
        pathway_id = update.summary.pathway_id
        beneficiary = update.search.beneficiary
        if beneficiary is None:
            self._tokens.pop(pathway_id, None)
        else:
            self._tokens[pathway_id] = beneficiary_tokens(self._key, beneficiary)

    def tokens_of(self, pathway_id: str) -> frozenset[Token]:
        """The pathway's tokens (tests)."""
        return self._tokens.get(pathway_id, frozenset())

    async def search(self, text: str, scope: SearchScope, limit: int = MAX_HITS) -> list[str]:
        """See `SearchIndexQueries.search`."""
        clauses = query_clauses(self._key, text)
        found = sorted(
            pathway_id
            for pathway_id, held in self._tokens.items()
            if any(clause <= held for clause in clauses)
        )
        hits = []
        for pathway_id in found:
            summary = await self._caseload.get_summary(pathway_id)
            if summary is None or scope.organisation_id not in (None, summary.organisation_id):
                continue
            if scope.caseworker_id not in (None, summary.caseworker_id):
                continue
            hits.append(pathway_id)
        return hits[:limit]

    async def holding_all(self, tokens: frozenset[Token]) -> list[IndexedPathway]:
        """See `SearchIndexQueries.holding_all`."""
        hits = []
        for pathway_id in sorted(p for p, held in self._tokens.items() if tokens <= held):
            summary = await self._caseload.get_summary(pathway_id)
            if summary is not None:
                hits.append(IndexedPathway(pathway_id, summary.organisation_id))
        return hits

    async def search_key(self) -> bytes:
        """See `SearchIndexQueries.search_key`."""
        return self._key

    async def sharing(self, pathway_id: str | None = None) -> list[IndexedTokens]:
        """See `SearchIndexQueries.sharing`."""
        holders: dict[Token, set[str]] = {}
        for held_by, held in self._tokens.items():
            for t in held:
                if t.kind in IDENTIFYING:
                    holders.setdefault(t, set()).add(held_by)
        shared = [group for group in holders.values() if len(group) > 1]
        if pathway_id is None:
            chosen = set().union(*shared)
        else:
            chosen = {pathway_id}.union(*(g for g in shared if pathway_id in g))
        found = []
        for chosen_id in sorted(chosen & self._tokens.keys()):
            summary = await self._caseload.get_summary(chosen_id)
            if summary is not None:
                found.append(
                    IndexedTokens(chosen_id, summary.organisation_id, self._tokens[chosen_id])
                )
        return found
