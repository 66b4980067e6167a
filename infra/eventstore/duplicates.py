"""The coordinator's decisions on possible duplicates, and the persons they make.

Possible duplicates are not stored: they are what the blind index finds now
(`SearchIndexQueries.sharing`, compared by `domain.duplicates`), so an erased
beneficiary's tokens take her possible duplicates with them. What is stored is each
decision (a pair of pathway ids, confirmed or dismissed, by whom and when) and, for the
confirmed, each pathway's person key since the instant it was linked: what the indicators
count once (`infra.indicators.postgres_queries`). Ids only: nothing of the person.
`InMemoryDuplicateDecisions` is the in-memory store's; the PostgreSQL twin is
`postgres_duplicates` (migration 0026).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

from domain.duplicates import Decision, DuplicateReason, merged_persons


class AlreadyDecided(Exception):
    """The pair has a decision already: a decision is recorded once."""


class DecidedPair(NamedTuple):
    """One decision: the pair (ids in order), what was decided, why they matched, by whom."""

    first: str
    second: str
    decision: Decision
    reason: DuplicateReason
    decided_by: str
    decided_at: datetime


class PersonLink(NamedTuple):
    """A pathway counted as a person (`person_key`) since `linked_at`."""

    pathway_id: str
    person_key: str
    linked_at: datetime


class DuplicateDecisions(Protocol):
    """The decisions on possible duplicates and the person links of the confirmed ones."""

    async def decisions(self) -> list[DecidedPair]:
        """Every decision, by pair."""
        ...

    async def decide(self, decided: DecidedPair) -> None:
        """Record a decision; a confirmation links the pair's pathways as one person, in
        the same transaction.

        Raises:
            AlreadyDecided: the pair has a decision; nothing is written.
        """
        ...

    async def person_links(self) -> list[PersonLink]:
        """Each pathway of a confirmed pair and its person key, by pathway id."""
        ...


def relinked(
    links: list[PersonLink], confirmed: list[tuple[str, str]], at: datetime
) -> list[PersonLink]:
    """The person links after the confirmed pairs: each pathway keyed by its person,
    linked since it was first linked (or `at`, for a pathway linked now)."""
    since = {link.pathway_id: link.linked_at for link in links}
    persons = merged_persons(confirmed)
    return [PersonLink(p, key, since.get(p, at)) for p, key in sorted(persons.items())]


class InMemoryDuplicateDecisions:
    """`DuplicateDecisions` in dictionaries."""

    def __init__(self) -> None:
        self._decided: dict[tuple[str, str], DecidedPair] = {}
        self._links: list[PersonLink] = []

    async def decisions(self) -> list[DecidedPair]:
        """See `DuplicateDecisions.decisions`."""
        return [self._decided[p] for p in sorted(self._decided)]

    async def decide(self, decided: DecidedPair) -> None:
        """See `DuplicateDecisions.decide`."""
        key = (decided.first, decided.second)
        if key in self._decided:
            raise AlreadyDecided(f"{key} is {self._decided[key].decision} already")
        self._decided[key] = decided
        if decided.decision is Decision.CONFIRMED:
            confirmed = [k for k, d in self._decided.items() if d.decision is Decision.CONFIRMED]
            self._links = relinked(self._links, confirmed, decided.decided_at)

    async def person_links(self) -> list[PersonLink]:
        """See `DuplicateDecisions.person_links`."""
        return list(self._links)
