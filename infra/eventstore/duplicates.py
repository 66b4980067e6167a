"""The coordinator's decisions on possible duplicates, and the persons they make.

Possible duplicates are not stored: they are what the blind index finds now
(`SearchIndexQueries.sharing`, compared by `domain.duplicates`), so an erased
beneficiary's tokens take her possible duplicates with them. What is stored is the log
of decisions (a pair of pathway ids, confirmed, dismissed or undone, by whom and when; an
undoing is an entry, nothing is deleted) and, for the pairs confirmed, each pathway's
person key from the instant it was linked until the instant an undoing unlinked it: what
the indicators count once (`infra.indicators.postgres_queries`). Ids only: nothing of the person.
`InMemoryDuplicateDecisions` is the in-memory store's; the PostgreSQL twin is
`postgres_duplicates` (migration 0026).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

from domain.duplicates import Decision, DuplicateReason, current_decisions, merged_persons


class AlreadyDecided(Exception):
    """The pair has a decision already: undo it before deciding again."""


class NotDecided(Exception):
    """An undo of a pair that has no decision now: there is nothing to undo."""


class DecidedPair(NamedTuple):
    """One entry of the decisions' log: the pair (ids in order), what was decided (or
    `UNDONE`, the pair's decision undone), why they matched, by whom and when."""

    first: str
    second: str
    decision: Decision
    reason: DuplicateReason
    decided_by: str
    decided_at: datetime


class PersonLink(NamedTuple):
    """A pathway counted as a person (`person_key`) from `linked_at` until `unlinked_at`
    (None: still), when the confirmation that linked it was undone."""

    pathway_id: str
    person_key: str
    linked_at: datetime
    unlinked_at: datetime | None = None


class DuplicateDecisions(Protocol):
    """The decisions on possible duplicates and the person links of the confirmed ones."""

    async def decisions(self) -> list[DecidedPair]:
        """Each pair's decision now (`domain.duplicates.current_decisions`), by pair."""
        ...

    async def history(self) -> list[DecidedPair]:
        """Every entry of the log, undoings too, in the order they were recorded."""
        ...

    async def decide(self, decided: DecidedPair) -> None:
        """Append an entry to the log; when it changes which pairs are confirmed (a
        confirmation, or the undoing of one), the person links follow in the same
        transaction: a pathway no longer linked is unlinked at `decided_at`, not deleted.

        Raises:
            AlreadyDecided: a confirmation or dismissal of a pair decided now.
            NotDecided: an undoing of a pair with no decision now. Nothing is written.
        """
        ...

    async def person_links(self) -> list[PersonLink]:
        """Every person link, those ended too, by pathway id and instant."""
        ...


def check_decidable(now: dict[tuple[str, str], DecidedPair], decided: DecidedPair) -> bool:
    """Whether the entry may be appended to a log whose decisions now are `now`, and
    whether it changes the confirmed pairs (the person links must follow).

    Raises:
        AlreadyDecided: a confirmation or dismissal of a pair decided now.
        NotDecided: an undoing of a pair with no decision now.
    """
    before = now.get((decided.first, decided.second))
    if decided.decision is Decision.UNDONE:
        if before is None:
            raise NotDecided(f"{decided.first}, {decided.second} has no decision to undo")
        return before.decision is Decision.CONFIRMED
    if before is not None:
        raise AlreadyDecided(f"{decided.first}, {decided.second} is {before.decision} already")
    return decided.decision is Decision.CONFIRMED


def relinked(
    links: list[PersonLink], confirmed: list[tuple[str, str]], at: datetime
) -> list[PersonLink]:
    """The open person links after the confirmed pairs, from the open ones (`links`): each
    pathway keyed by its person, linked since it was linked (or `at`, for a pathway linked
    now). An open link a pathway no longer has is the caller's to end at `at`."""
    since = {link.pathway_id: link.linked_at for link in links}
    persons = merged_persons(confirmed)
    return [PersonLink(p, key, since.get(p, at)) for p, key in sorted(persons.items())]


class InMemoryDuplicateDecisions:
    """`DuplicateDecisions` in lists."""

    def __init__(self) -> None:
        self._log: list[DecidedPair] = []
        self._links: list[PersonLink] = []

    async def decisions(self) -> list[DecidedPair]:
        """See `DuplicateDecisions.decisions`."""
        return list(current_decisions(self._log).values())

    async def history(self) -> list[DecidedPair]:
        """See `DuplicateDecisions.history`."""
        return list(self._log)

    async def decide(self, decided: DecidedPair) -> None:
        """See `DuplicateDecisions.decide`."""
        relink = check_decidable(current_decisions(self._log), decided)
        self._log.append(decided)
        if not relink:
            return
        at = decided.decided_at
        confirmed = [
            k for k, d in current_decisions(self._log).items() if d.decision is Decision.CONFIRMED
        ]
        open_links = [link for link in self._links if link.unlinked_at is None]
        kept = {link.pathway_id: link for link in relinked(open_links, confirmed, at)}
        ended = [
            link._replace(unlinked_at=at) for link in open_links if link.pathway_id not in kept
        ]
        closed = [link for link in self._links if link.unlinked_at is not None]
        self._links = sorted([*closed, *ended, *kept.values()], key=lambda x: x[:3])

    async def person_links(self) -> list[PersonLink]:
        """See `DuplicateDecisions.person_links`."""
        return list(self._links)
