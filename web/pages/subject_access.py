"""`/pathways/<id>/subject-access.json`: everything held about the person, for their request.

The document of `web.subject_access` (`pathways export-subject`'s), as a JSON download for
the supervisor of the pathway's organisation or the coordinator; recorded in the access log
first, purpose `subject_access`. Outside the scope: 404.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infra.access_log.model import Channel
from web.dependencies import StoreDep
from web.pages.routing import PageAccount, page_router
from web.subject_access import subject_document


def build_subject_access_router() -> APIRouter:
    router = page_router()

    @router.get("/pathways/{pathway_id}/subject-access.json")
    async def subject_access(
        store: StoreDep, request: Request, pathway_id: str, account: PageAccount
    ) -> Response:
        """The person's data, as a download; the read logged with its purpose first."""
        document = await subject_document(request, store, account, pathway_id, Channel.PAGE)
        return Response(
            json.dumps(document, indent=2, ensure_ascii=False, default=str),
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="subject-{pathway_id}.json"',
                "Cache-Control": "no-store",
            },
        )

    return router


__all__ = ["build_subject_access_router"]
