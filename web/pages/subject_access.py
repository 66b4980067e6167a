"""`/pathways/<id>/subject-access.json`: everything held about the person, for their request.

The same document as `pathways export-subject` (`SubjectAccessService.document`), as a JSON
download for the supervisor of the pathway's organisation or the coordinator, who answer
the person's request; recorded in the access log first, purpose `subject_access`, so an
export the log could not record is not handed over. Outside the scope: 404.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.values import Role
from infra.access_log.model import Channel, Purpose
from web import dependencies
from web.access import record_read
from web.dependencies import SettingsDep, StoreDep
from web.pages.routing import PageAccount, log, page_router
from web.problems import ProblemError
from web.scope import FORBIDDEN, readable

ANSWERING = frozenset({Role.SUPERVISOR, Role.COORDINATOR})


def build_subject_access_router() -> APIRouter:
    router = page_router()

    @router.get("/pathways/{pathway_id}/subject-access.json")
    async def subject_access(
        store: StoreDep,
        settings: SettingsDep,
        request: Request,
        pathway_id: str,
        account: PageAccount,
    ) -> Response:
        """The person's data, as a download; the read logged with its purpose first."""
        if account.role not in ANSWERING:
            log.warning("access_denied", account_id=account.id, action="subject_access")
            raise ProblemError(FORBIDDEN, "supervisors and the coordinator answer", status=403)
        await readable(store.caseload, account, pathway_id)
        documents = dependencies.subject_documents(request)
        if documents is None:
            raise ProblemError("unavailable", "this web app exports no data", status=503)
        await record_read(
            request,
            account,
            pathway_id,
            "export_subject",
            Purpose.SUBJECT_ACCESS,
            Channel.PAGE,
        )
        document = await documents.document(pathway_id, settings.clock())
        if document is None:
            raise ProblemError("pathway_not_found", "no such pathway", status=404)
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
