"""`/api/v1/pathways.csv` and `.xlsx`: the caseload list's downloads, and the list's filters.

The filters are typed query parameters (`caseload_selection`), so the OpenAPI lists every
stage, measure kind, protection status and order, and an unknown one is refused as every
bad query parameter of the API is (`invalid_command`, 422, with the parameter in `field`).
The list itself is `GET /api/v1/pathways` (`web.api`), its total in `X-Total-Count`; the
files are written by `web.reports.caseload_export`, as the page's are.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from domain.measures import MeasureKind
from domain.values import Identifier, ProtectionStatus, Stage
from infra.access_log.model import Channel
from infra.eventstore.queries import CaseloadSort
from web.access import PurposeHeader, PurposeQuery, chosen_purpose
from web.auth import CurrentAccount
from web.caseload_list import Selection
from web.problems import PROBLEM_RESPONSES
from web.reports.caseload_export import MEDIA_TYPES, Format, caseload_download


def caseload_selection(
    stage: Stage | None = None,
    measure_kind: Annotated[
        MeasureKind | None, Query(description="Pathways with a measure of this kind planned")
    ] = None,
    protection_status: ProtectionStatus | None = None,
    overdue: Annotated[
        bool, Query(description="Only pathways owing something due by now, not suspended")
    ] = False,
    caseworker_id: Identifier | None = None,
    organisation_id: Identifier | None = None,
    sort: Annotated[
        CaseloadSort, Query(description="next_deadline, opened, -opened (newest first), stage")
    ] = CaseloadSort.NEXT_DEADLINE,
) -> Selection:
    """The caseload list's filters and order, as the API's query parameters."""
    return Selection(
        stage=stage,
        measure_kind=measure_kind,
        protection_status=protection_status,
        overdue=overdue,
        caseworker_id=caseworker_id,
        organisation_id=organisation_id,
        sort=sort,
    )


SelectionDep = Annotated[Selection, Depends(caseload_selection)]
TOTAL_HEADER = "X-Total-Count"
"""The list's header: how many pathways of the selection the reader's scope holds, every
page together (`web.caseload_list.count_caseload`); the body stays the page of items."""
TOTAL_HEADER_SCHEMA = {
    "description": "How many pathways match the filters in your scope, across every page",
    "schema": {"type": "integer", "minimum": 0},
}


def build_caseload_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)

    def add_download(fmt: Format) -> None:
        @router.get(
            f"/pathways.{fmt}",
            tags=["queries"],
            summary=f"Caseload list as {fmt.upper()}",
            response_class=Response,
            responses={200: {"content": {MEDIA_TYPES[fmt]: {}}}},
            name=f"caseload_{fmt}",
        )
        async def download(
            request: Request,
            account: CurrentAccount,
            selection: SelectionDep,
            purpose: PurposeQuery = None,
            x_purpose: PurposeHeader = None,
        ) -> Response:
            """Every pathway of the list in your scope matching the filters, as a file: names
            for the caseworker, supervisor and coordinator, pathway codes only for the
            auditor, 403 for other roles. The read is in the access log, with its purpose."""
            why = chosen_purpose(account, purpose, x_purpose)
            return await caseload_download(
                request,
                account,
                selection,
                fmt,
                purpose=why,
                channel=Channel.API,
                language=account.language,
            )

    add_download("csv")
    add_download("xlsx")
    return router
