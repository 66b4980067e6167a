"""`GET /api/v1/search`: the pathways of one's scope found by a name, a document number, a
phone, a birth date or a pathway code (`web.search`, docs/search.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from infra.access_log.model import Channel
from web.access import PurposeHeader, PurposeQuery, chosen_purpose
from web.auth import CurrentAccount
from web.dependencies import StoreDep
from web.problems import PROBLEM_RESPONSES
from web.search import SearchHit, search


def build_search_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["queries"])

    @router.get("/search", response_model=list[SearchHit], summary="Find pathways")
    async def search_pathways(
        store: StoreDep,
        request: Request,
        account: CurrentAccount,
        q: Annotated[
            str,
            Query(
                description="A name (any order, accents optional: `nguyen anh`), a document"
                " number, a phone, a birth date (2026-03-01 or 1/3/2026) or a pathway code",
            ),
        ],
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> list[SearchHit]:
        """The pathways of your scope the text finds (at most 50), with the beneficiary's name.

        Each pathway shown is recorded in the access log (`search_result`) with the
        purpose, before the answer; a search that finds nothing shows nothing and records
        nothing. `invalid_search` (422) for a blank, too short or too long text; `forbidden`
        (403) for a partner or an admin, who search no caseload.
        """
        why = chosen_purpose(account, purpose, x_purpose)
        return await search(request, store, account, q, why, Channel.API)

    return router
