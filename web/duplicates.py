"""Possible duplicates: what a caseworker is told, and what the coordinator decides
(docs/privacy.md "Duplicate detection", docs/search.md).

One module answers the API (`web.duplicates_api`) and the pages (the notice on a pathway's
page, `/duplicates` "Possibili doppioni"). A possible duplicate is what the blind index
finds now (`SearchIndexQueries.sharing`) under the rule of `domain.duplicates`, across
every organisation, less the pairs a coordinator decided. Whoever may read a pathway is
told that a possible duplicate exists and at which organisation to ask, never the other
pathway's id, code or person; the coordinator sees the pairs' codes and confirms (one
person, counted once) or dismisses them, and may undo either (`Decision.UNDONE`, an entry
of the log: the pair is a possible duplicate again, and a confirmation's person counts as
two from then on); the decisions' history is the coordinator's too. Refusals change
nothing: `forbidden` (403) for another role, `duplicate_not_found` (404) for a pair that
is not a possible duplicate now, `duplicate_decided` (409) for one decided already,
`duplicate_not_decided` (409) for an undoing of a pair with no decision now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from pydantic import BaseModel

from domain.duplicates import Decision, DuplicateReason, pair, possible_pairs
from domain.values import Role
from infra.accounts.model import Account
from infra.accounts.store import AccountStore
from infra.eventstore.base import EventStore
from infra.eventstore.duplicates import AlreadyDecided, DecidedPair, NotDecided
from web.problems import ProblemError
from web.scope import FORBIDDEN, readable

DUPLICATE_NOT_FOUND = "duplicate_not_found"
DUPLICATE_DECIDED = "duplicate_decided"
DUPLICATE_NOT_DECIDED = "duplicate_not_decided"
DECIDERS = frozenset({Role.COORDINATOR})
"""Who sees the pairs and decides: the coordinator, who reads every organisation."""


class DuplicateNotice(BaseModel):
    """A possible duplicate as anyone who reads the pathway is told of it: where to ask."""

    organisation_id: str
    organisation_name: str
    reason: DuplicateReason


class PossibleDuplicate(BaseModel):
    """A pair as the coordinator sees it: the two codes, their organisations, the reason."""

    first_pathway_id: str
    first_organisation_id: str
    second_pathway_id: str
    second_organisation_id: str
    reason: DuplicateReason


class DuplicateDecision(BaseModel):
    """A coordinator's decision on a pair, or its undoing (`undone`), as the API takes it."""

    first_pathway_id: str
    second_pathway_id: str
    decision: Decision


class DecisionEntry(BaseModel):
    """An entry of the decisions' history: the pair, what was decided or undone, by whom,
    when, and whether it is the pair's decision now (what an undoing would undo)."""

    first_pathway_id: str
    second_pathway_id: str
    decision: Decision
    reason: DuplicateReason
    decided_by: str
    decided_at: datetime
    standing: bool


async def organisation_names(accounts: AccountStore) -> dict[str, str]:
    """Every organisation's name, by id: where a notice says to ask."""
    return {o.id: o.name for o in await accounts.list_organisations()}


async def undecided(store: EventStore, pathway_id: str | None) -> list[PossibleDuplicate]:
    """The undecided possible duplicates of `pathway_id`, or of the installation (None):
    what the index finds now, less the decided pairs. Whom it may be shown to is the
    caller's: `notices` for a reader, `possible_duplicates` for the coordinator."""
    indexed = {p.pathway_id: p for p in await store.search_index.sharing(pathway_id)}
    decided = {(d.first, d.second) for d in await store.duplicates.decisions()}
    found = possible_pairs({p: i.identity() for p, i in indexed.items()}, pathway_id)
    return [
        PossibleDuplicate(
            first_pathway_id=first,
            first_organisation_id=indexed[first].organisation_id,
            second_pathway_id=second,
            second_organisation_id=indexed[second].organisation_id,
            reason=reason,
        )
        for first, second, reason in found
        if (first, second) not in decided
    ]


async def notices(
    store: EventStore, account: Account, pathway_id: str, names: Mapping[str, str]
) -> list[DuplicateNotice]:
    """The possible duplicates of a pathway the account may read: one notice per
    organisation to ask, with its name (`names`), nothing of the other pathway.

    Raises:
        ProblemError: `pathway_not_found` (404) outside the account's scope.
    """
    await readable(store.caseload, account, pathway_id)
    told: dict[tuple[str, DuplicateReason], DuplicateNotice] = {}
    for found in await undecided(store, pathway_id):
        other = (
            found.second_organisation_id
            if found.first_pathway_id == pathway_id
            else found.first_organisation_id
        )
        told.setdefault(
            (other, found.reason),
            DuplicateNotice(
                organisation_id=other,
                organisation_name=names.get(other, other),
                reason=found.reason,
            ),
        )
    return [told[k] for k in sorted(told)]


def _check_decider(account: Account) -> None:
    if account.role not in DECIDERS:
        raise ProblemError(FORBIDDEN, f"a {account.role} does not decide duplicates", status=403)


async def possible_duplicates(store: EventStore, account: Account) -> list[PossibleDuplicate]:
    """Every undecided possible duplicate of the installation, by pair (the coordinator).

    Raises:
        ProblemError: `forbidden` (403) for any other role.
    """
    _check_decider(account)
    return await undecided(store, None)


async def decision_history(store: EventStore, account: Account) -> list[DecisionEntry]:
    """Every decision and undoing of the installation, newest first (the coordinator).

    Raises:
        ProblemError: `forbidden` (403) for any other role.
    """
    _check_decider(account)
    log = await store.duplicates.history()
    latest = {(d.first, d.second): i for i, d in enumerate(log)}
    standing = {i for i in latest.values() if log[i].decision is not Decision.UNDONE}
    return [
        DecisionEntry(
            first_pathway_id=d.first,
            second_pathway_id=d.second,
            decision=d.decision,
            reason=d.reason,
            decided_by=d.decided_by,
            decided_at=d.decided_at,
            standing=i in standing,
        )
        for i, d in reversed(list(enumerate(log)))
    ]


async def decide(
    store: EventStore, account: Account, asked: DuplicateDecision, now: datetime
) -> DecidedPair:
    """Record the coordinator's decision on a pair that is a possible duplicate now, or
    undo the decision a pair has now (`Decision.UNDONE`).

    Raises:
        ProblemError: `forbidden` (403) for another role; `duplicate_not_found` (404) for a
            pair that is not an undecided possible duplicate (unknown, the same pathway
            twice, a pathway erased); `duplicate_decided` (409) for a pair decided already;
            `duplicate_not_decided` (409) for an undoing of a pair with no decision now.
            Nothing is recorded.
    """
    _check_decider(account)
    try:
        first, second = pair(asked.first_pathway_id, asked.second_pathway_id)
    except ValueError as error:
        raise ProblemError(DUPLICATE_NOT_FOUND, str(error), status=404) from error
    decided = {(d.first, d.second): d for d in await store.duplicates.decisions()}
    if asked.decision is Decision.UNDONE:
        before = decided.get((first, second))
        if before is None:
            raise ProblemError(
                DUPLICATE_NOT_DECIDED, "this pair has no decision to undo", status=409
            )
        reason = before.reason
    else:
        if (first, second) in decided:
            raise ProblemError(DUPLICATE_DECIDED, "this pair is decided already", status=409)
        reason = await _possible_reason(store, first, second)
    decision = DecidedPair(first, second, asked.decision, reason, account.id, now)
    try:
        await store.duplicates.decide(decision)
    except AlreadyDecided as error:
        raise ProblemError(DUPLICATE_DECIDED, str(error), status=409) from error
    except NotDecided as error:
        raise ProblemError(DUPLICATE_NOT_DECIDED, str(error), status=409) from error
    return decision


async def _possible_reason(store: EventStore, first: str, second: str) -> DuplicateReason:
    """Why the pair is an undecided possible duplicate now.

    Raises:
        ProblemError: `duplicate_not_found` (404) when it is not one.
    """
    for found in await undecided(store, first):
        if (found.first_pathway_id, found.second_pathway_id) == (first, second):
            return found.reason
    raise ProblemError(DUPLICATE_NOT_FOUND, "no such possible duplicate", status=404)
