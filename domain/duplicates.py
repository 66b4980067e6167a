"""Possible duplicates: when two pathways may be one person, and who is one person.

Pure. The words compared are opaque strings (the blind index's keyed tokens,
`infra.crypto.search_tokens`): the rule never sees a name, only which of them two people
share. Two pathways are a possible duplicate when:

- they hold the same document number; or
- they hold the same birth date and every word of the shorter name is a word of the other
  ("Ánh Nguyễn" and "Nguyễn Thị Ánh", accents, order and script aside, as search compares).

No edit distance: a keyed token of "mohamed" tells nothing of "mohammed", and tokens that
would (prefixes, bigrams, phonetic codes) tell a database reader more than the words'
equality (docs/privacy.md, "Duplicate detection").

A coordinator confirms or dismisses a pair, and may undo either (a new entry of the log, not
a deletion: `current_decisions`); the pairs confirmed now join pathways into one
person (`merged_persons`), whose key is the least pathway id among them, and the indicators
count each person once (docs/indicators.md, "One person, counted once").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import Protocol, TypeVar


class DuplicateReason(StrEnum):
    """Why two pathways may be one person."""

    DOCUMENT = "same_document"
    NAME_AND_BIRTH_DATE = "name_and_birth_date"


class Decision(StrEnum):
    """A coordinator's answer on a possible duplicate, or its undoing.

    Decisions are a log, never edited: a pair's decision is its latest, and a pair whose
    latest is `UNDONE` is undecided again (`current_decisions`)."""

    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    UNDONE = "undone"


@dataclass(frozen=True)
class Identity:
    """What a pathway's beneficiary is compared by: opaque tokens of each kind."""

    document: str | None
    birth_date: str | None
    names: frozenset[str]


def duplicate_reason(one: Identity, other: Identity) -> DuplicateReason | None:
    """Why `one` and `other` may be one person, or None."""
    if one.document is not None and one.document == other.document:
        return DuplicateReason.DOCUMENT
    if one.birth_date is None or one.birth_date != other.birth_date:
        return None
    shorter, longer = sorted((one.names, other.names), key=len)
    if shorter and shorter <= longer:
        return DuplicateReason.NAME_AND_BIRTH_DATE
    return None


def possible_pairs(
    identities: Mapping[str, Identity], of: str | None = None
) -> list[tuple[str, str, DuplicateReason]]:
    """The possible duplicates among `identities` (by pathway id), as ordered pairs with
    their reason, by pair; only those of `of` when given.

    Only pathways that share a document or a birth date can match, so each is compared
    within those groups, never with every other pathway."""
    groups: dict[tuple[str, str], list[str]] = {}
    for pathway_id, who in sorted(identities.items()):
        for kind, value in (("document", who.document), ("birth_date", who.birth_date)):
            if value is not None:
                groups.setdefault((kind, value), []).append(pathway_id)
    candidates = {pair(a, b) for group in groups.values() for a, b in combinations(group, 2)}
    found = []
    for first, second in sorted(candidates):
        if of is not None and of not in (first, second):
            continue
        reason = duplicate_reason(identities[first], identities[second])
        if reason is not None:
            found.append((first, second, reason))
    return found


def pair(one: str, other: str) -> tuple[str, str]:
    """The two pathway ids of a pair, in order: a pair is the same whichever is named first.

    Raises:
        ValueError: a pathway paired with itself.
    """
    if one == other:
        raise ValueError("a pathway is no duplicate of itself")
    return (one, other) if one < other else (other, one)


def merged_persons(confirmed: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each pathway of a confirmed pair and its person key: the least pathway id of the
    pathways the confirmed pairs join, directly or through others."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for one, other in confirmed:
        first, second = sorted((root(one), root(other)))
        parent[second] = first
    return {node: root(node) for node in parent}


def person_key(persons: Mapping[str, str], pathway_id: str) -> str:
    """The person a pathway counts as: its key among `persons`, else the pathway itself."""
    return persons.get(pathway_id, pathway_id)


class DecidedEntry(Protocol):
    """What `current_decisions` reads of an entry of the log."""

    @property
    def first(self) -> str: ...
    @property
    def second(self) -> str: ...
    @property
    def decision(self) -> Decision: ...


_Entry = TypeVar("_Entry", bound=DecidedEntry)


def current_decisions(log: Iterable[_Entry]) -> dict[tuple[str, str], _Entry]:
    """Each pair's decision now, from the log in the order it was recorded: the latest
    entry of the pair, unless it undid the one before (the pair is undecided again)."""
    latest: dict[tuple[str, str], _Entry] = {}
    for entry in log:
        latest[(entry.first, entry.second)] = entry
    return {k: e for k, e in sorted(latest.items()) if e.decision is not Decision.UNDONE}
