"""`/caseload`: the caseload list, filtered, ordered, a page at a time, and its downloads.

The same selection as the API's list (`web.caseload_list`), in the reader's scope, with
how many pathways it holds ("23 percorsi", one COUNT over the same filters); 50
pathways a page, the beneficiaries' names read for that page only (and logged, as on My
day). A filter the page does not know is answered with the form, the error in the reader's
language and no rows (422): nothing read, nothing logged. `/caseload.csv` and
`/caseload.xlsx` download every row of the selection (`web.reports.caseload_export`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.measures import MeasureKind
from domain.values import ProtectionStatus, Role, Stage
from infra.access_log.model import Channel
from infra.eventstore.queries import CaseloadSort
from web.access import page_purpose
from web.beneficiaries import names_shown
from web.caseload_list import Selection, count_caseload, list_caseload, read_selection
from web.dependencies import AccountsDep, SettingsDep, StoreDep
from web.i18n import N_
from web.pages.form_labels import option_label
from web.pages.people import organisation_names, people_named
from web.pages.purpose import purpose_choice
from web.pages.render import language_of, render
from web.pages.routing import PageAccount, page_router
from web.problems import ProblemError
from web.reports.caseload_export import EXPORTING, Format, caseload_download

CASELOAD_PATH = "/caseload"
PAGE_SIZE = 50
MAX_PAGE = 10**6
FIELDS = (
    "stage",
    "measure_kind",
    "protection_status",
    "overdue",
    "caseworker_id",
    "organisation_id",
    "sort",
)
"""The form's fields: what `read_selection` reads."""
LISTING = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.AUDITOR})
"""Roles with a caseload to list: the same as those who download it."""
assert LISTING == EXPORTING
INVALID_FILTER = N_("A filter has a value that is not known: choose it in the form.")
SORTS: Mapping[CaseloadSort, str] = {
    CaseloadSort.NEXT_DEADLINE: N_("Next deadline first"),
    CaseloadSort.OPENED: N_("Oldest opened first"),
    CaseloadSort.OPENED_DESC: N_("Newest opened first"),
    CaseloadSort.STAGE: N_("By stage"),
}


def _lister(account: PageAccount) -> None:
    if account.role not in LISTING:
        raise ProblemError("forbidden", f"a {account.role} lists no caseload", status=403)


def _params(request: Request) -> dict[str, list[str]]:
    query = request.query_params
    return {name: query.getlist(name) for name in query}


def _page_number(values: Sequence[str]) -> int:
    """The page asked for, from 0.

    Raises:
        ProblemError: `invalid_filter` for anything but a whole number under a million.
    """
    text = values[0].strip() if values else ""
    if not text:
        return 0
    if len(values) > 1 or not text.isascii() or not text.isdigit() or int(text) >= MAX_PAGE:
        raise ProblemError("invalid_filter", "page is a whole number", "page")
    return int(text)


def _choices() -> dict[str, Any]:
    """The form's options, each with its label in the reader's language."""
    return {
        "stages": list(Stage),
        "measure_kinds": list(MeasureKind),
        "protection_statuses": [
            (p.value, option_label("ProtectionStatus", p.value)) for p in ProtectionStatus
        ],
        "sorts": list(SORTS.items()),
    }


def build_caseload_router() -> APIRouter:
    router = page_router()

    @router.get(CASELOAD_PATH)
    async def caseload(
        settings: SettingsDep,
        store: StoreDep,
        accounts: AccountsDep,
        request: Request,
        account: PageAccount,
    ) -> Response:
        """One page of the caseload in the reader's scope, filtered and ordered."""
        _lister(account)
        params = _params(request)
        given = {name: (params.get(name) or [""])[0] for name in FIELDS}
        context: dict[str, Any] = {"given": given, **_choices()}
        try:
            selection = read_selection(params)
            number = _page_number(params.get("page", []))
        except ProblemError:
            context.update(error=INVALID_FILTER, rows=[], names={}, older=None, newer=None)
            context.update(total=None)
            context.update(downloads=None, filtered=True, access=None)
            return render(request, "caseload.html", status_code=422, **context)
        now = settings.clock()
        found = await list_caseload(
            store.caseload, account, selection, now, limit=PAGE_SIZE + 1, offset=number * PAGE_SIZE
        )
        total = await count_caseload(store.caseload, account, selection, now)
        rows = found[:PAGE_SIZE]
        names = await names_shown(request, account, [r.pathway_id for r in rows], "caseload")
        query = selection.query()

        def link(to_page: int) -> str:
            pairs = [*query, ("page", str(to_page))] if to_page else query
            return f"{CASELOAD_PATH}?{urlencode(pairs)}"

        context.update(
            error=None,
            total=total,
            rows=rows,
            names=names,
            first=number * PAGE_SIZE + 1,
            older=link(number + 1) if len(found) > PAGE_SIZE else None,
            newer=link(number - 1) if number > 0 else None,
            downloads=urlencode(query),
            filtered=selection.filtered,
            access=purpose_choice(request, page_purpose(request, account)) if names else None,
            people=await people_named(accounts, (r.caseworker_id for r in rows)),
            organisations=await organisation_names(accounts),
        )
        return render(request, "caseload.html", headers={"Cache-Control": "no-store"}, **context)

    def add_download(fmt: Format) -> None:
        @router.get(f"{CASELOAD_PATH}.{fmt}", name=f"caseload_page_{fmt}")
        async def download(request: Request, account: PageAccount) -> Response:
            """Every pathway of the selection in the reader's scope, as a file."""
            _lister(account)
            selection = read_selection(_params(request))
            return await caseload_download(
                request,
                account,
                selection,
                fmt,
                purpose=page_purpose(request, account),
                channel=Channel.PAGE,
                language=language_of(request),
            )

    add_download("csv")
    add_download("xlsx")
    return router


__all__ = ["CASELOAD_PATH", "PAGE_SIZE", "Selection", "build_caseload_router"]
