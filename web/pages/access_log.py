"""`/access-log`: who read which pathway's personal data, when, why, through what.

For auditors and the coordinator (403 for the others). Filters: pathway, person (the
reader's account), a range of days (Italian time, both included) and channel; newest first,
a page at a time. A search on one pathway is itself recorded against that pathway.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from infra.access_log.model import AccessQuery, Channel
from web.access import page_purpose
from web.access_log_api import instant, may_search, refuse_search, search_log
from web.dependencies import AccountsDep
from web.i18n import N_
from web.pages.render import DISPLAY_TIMEZONE, render
from web.pages.routing import PageAccount, page_router
from web.problems import ProblemError

ACCESS_LOG_PATH = "/access-log"
PAGE_SIZE = 50
FILTERS = ("pathway", "person", "from", "to", "channel")
INVALID_FILTER = N_("Check the filters: a pathway or person id, days as 2026-03-02.")


def build_access_log_router() -> APIRouter:
    router = page_router()

    @router.get(ACCESS_LOG_PATH)
    async def access_log(accounts: AccountsDep, request: Request, account: PageAccount) -> Response:
        """The entries matching the filters, newest first; invalid filters: 422, no entries."""
        if not may_search(account):
            raise refuse_search(account)
        query = request.query_params
        given = {name: (query.get(name) or "").strip() for name in FILTERS}
        page = query.get("page", "")
        number = int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 0
        context: dict[str, Any] = {"given": given, "channels": tuple(Channel), "error": None}
        try:
            search = AccessQuery(
                pathway_id=given["pathway"] or None,
                account_id=given["person"] or None,
                since=instant(given["from"], "from", DISPLAY_TIMEZONE, end=False),
                until=instant(given["to"], "to", DISPLAY_TIMEZONE, end=True),
                channel=Channel(given["channel"]) if given["channel"] else None,
                limit=PAGE_SIZE + 1,
                offset=number * PAGE_SIZE,
            )
        except (ProblemError, ValidationError, ValueError):
            context.update(error=INVALID_FILTER, entries=[], names={}, older=None, newer=None)
            return render(request, "access_log.html", status_code=422, **context)
        found = await search_log(
            request, account, search, page_purpose(request, account), Channel.PAGE
        )
        people = {e.account_id for e in found}
        names = {}
        for person in sorted(people):
            known = await accounts.get_account(person)
            if known is not None:
                names[person] = known.display_name
        filters = {k: v for k, v in given.items() if v}

        def link(to_page: int) -> str:
            return f"{ACCESS_LOG_PATH}?{urlencode({**filters, 'page': to_page})}"

        context.update(
            entries=found[:PAGE_SIZE],
            names=names,
            older=link(number + 1) if len(found) > PAGE_SIZE else None,
            newer=link(number - 1) if number > 0 else None,
        )
        return render(request, "access_log.html", headers={"Cache-Control": "no-store"}, **context)

    return router
