"""`/duplicates` "Possibili doppioni": the coordinator's list of possible duplicates across
every organisation, each with its two pathway codes and why they matched, to confirm (one
person, counted once in every indicator) or dismiss (`web.duplicates`); below it the
decisions' history, each pair's decision now with a button to undo it. Any other role: 403.

Phone-first: a card per pair, the two buttons under it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from web.dependencies import AccountsDep, SettingsDep, StoreDep
from web.duplicates import (
    DUPLICATE_NOT_FOUND,
    DuplicateDecision,
    decide,
    decision_history,
    organisation_names,
    possible_duplicates,
)
from web.pages.people import people_named
from web.pages.render import render
from web.pages.routing import PageAccount, page_router, see_other
from web.problems import ProblemError

DUPLICATES_PATH = "/duplicates"
FLASH = "duplicates_flash"


def build_duplicates_router() -> APIRouter:
    router = page_router()

    @router.get(DUPLICATES_PATH)
    async def duplicates_page(
        store: StoreDep, accounts: AccountsDep, request: Request, account: PageAccount
    ) -> Response:
        """The undecided possible duplicates, by pair."""
        pairs = await possible_duplicates(store, account)
        history = await decision_history(store, account)
        return render(
            request,
            "duplicates.html",
            headers={"Cache-Control": "no-store"},
            pairs=pairs,
            history=history,
            people=await people_named(accounts, {d.decided_by for d in history}),
            names=await organisation_names(accounts),
            flash=request.session.pop(FLASH, None),
        )

    @router.post(f"{DUPLICATES_PATH}/decisions")
    async def decide_duplicate(
        store: StoreDep, settings: SettingsDep, request: Request, account: PageAccount
    ) -> Response:
        """Confirm, dismiss or undo one pair; back to the list. A refused decision records nothing
        and answers its refusal page (403, 404, 409)."""
        form = await request.form()
        try:
            asked = DuplicateDecision.model_validate(
                {k: form.get(k) for k in DuplicateDecision.model_fields}
            )
        except ValidationError as error:
            raise ProblemError(
                DUPLICATE_NOT_FOUND, "no such possible duplicate", status=404
            ) from error
        decided = await decide(store, account, asked, settings.clock())
        request.session[FLASH] = decided.decision.value
        return see_other(DUPLICATES_PATH, request)

    return router
