"""`/search`: the search box of every page header, and what it found (`web.search`).

Phone-first: one field, the results as cards with the name, the pathway code and its
stage. A pathway found links to its page; a referral accepted for the caseworker to the
referred measure's page. What is shown is in the access log, with the purpose chosen
under the results (`web.pages.purpose`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infra.access_log.model import Channel
from web.access import page_purpose
from web.dependencies import StoreDep
from web.pages.purpose import purpose_choice
from web.pages.render import render
from web.pages.routing import PageAccount, page_router
from web.search import QUERY_FIELD, search, search_scope

SEARCH_PATH = "/search"


def build_search_router() -> APIRouter:
    router = page_router()

    @router.get(SEARCH_PATH)
    async def search_page(store: StoreDep, request: Request, account: PageAccount) -> Response:
        """The results of `q`; without `q`, the empty form."""
        search_scope(account)  # a role that searches nothing is refused before anything
        purpose = page_purpose(request, account)
        text = request.query_params.get(QUERY_FIELD)
        hits = None
        if text is not None:
            hits = await search(request, store, account, text, purpose, Channel.PAGE)
        return render(
            request,
            "search.html",
            headers={"Cache-Control": "no-store"},
            text=text or "",
            hits=hits,
            access=purpose_choice(request, purpose),
        )

    return router
