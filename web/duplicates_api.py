"""The possible duplicates in the API (`web.duplicates`, docs/privacy.md "Duplicate
detection"): a pathway's notices for whoever reads it, the pairs and the decisions for the
coordinator."""

from __future__ import annotations

from fastapi import APIRouter, Request

from web import dependencies
from web.auth import CurrentAccount
from web.dependencies import SettingsDep, StoreDep
from web.duplicates import (
    DecisionEntry,
    DuplicateDecision,
    DuplicateNotice,
    PossibleDuplicate,
    decide,
    decision_history,
    notices,
    organisation_names,
    possible_duplicates,
)
from web.problems import PROBLEM_RESPONSES


def build_duplicates_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["duplicates"])

    @router.get(
        "/pathways/{pathway_id}/possible-duplicates",
        response_model=list[DuplicateNotice],
        summary="Where a possible duplicate of the pathway's beneficiary is",
    )
    async def pathway_duplicates(
        pathway_id: str, store: StoreDep, request: Request, account: CurrentAccount
    ) -> list[DuplicateNotice]:
        """The organisations where a pathway may be the same person's (same document
        number, or the same birth date and every word of the shorter name in the other),
        undecided, across every organisation: whom to ask, never the other pathway's code or
        data. `pathway_not_found` (404) outside your scope."""
        return await notices(
            store,
            account,
            pathway_id,
            await organisation_names(dependencies.account_store(request)),
        )

    @router.get(
        "/duplicates", response_model=list[PossibleDuplicate], summary="Possible duplicates"
    )
    async def all_duplicates(store: StoreDep, account: CurrentAccount) -> list[PossibleDuplicate]:
        """Every undecided possible duplicate of the installation, by pair: the
        coordinator's only (`forbidden`, 403, for any other role)."""
        return await possible_duplicates(store, account)

    @router.get(
        "/duplicates/decisions",
        response_model=list[DecisionEntry],
        summary="The decisions' history",
    )
    async def decisions(store: StoreDep, account: CurrentAccount) -> list[DecisionEntry]:
        """Every confirmation, dismissal and undoing, newest first; `standing` marks each
        pair's decision now. The coordinator's only (`forbidden`, 403)."""
        return await decision_history(store, account)

    @router.post(
        "/duplicates/decisions", status_code=204, summary="Confirm, dismiss or undo a pair"
    )
    async def decide_duplicate(
        body: DuplicateDecision, store: StoreDep, settings: SettingsDep, account: CurrentAccount
    ) -> None:
        """Confirm (the two pathways are one person: the indicators count them once from
        now on) or dismiss a possible duplicate, or undo (`undone`) the pair's decision now:
        an entry of the history, not a deletion; the pair is a possible duplicate again and
        a confirmed person counts as two from then on. The coordinator's only (`forbidden`,
        403); `duplicate_not_found` (404) for a pair that is not an undecided possible
        duplicate, `duplicate_decided` (409) for one decided already,
        `duplicate_not_decided` (409) for an undoing of a pair with no decision now;
        nothing is recorded then."""
        await decide(store, account, body, settings.clock())

    return router
