"""Everything held about a pathway's person, for their access request (GDPR art. 15): the
rule the subject-access page and `GET /api/v1/pathways/{id}/subject-access` go through.

The document is `SubjectAccessService.document` (`pathways export-subject`'s), for the
supervisor of the pathway's organisation or the coordinator, who answer the person's
request; the read is recorded in the access log first, purpose `subject_access`, so an
export the log could not record is not handed over. Outside the scope: 404.
"""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import Request

from domain.values import Role
from infra.access_log.model import Channel, Purpose
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from web import dependencies
from web.access import record_read
from web.problems import ProblemError
from web.scope import FORBIDDEN, readable

log = structlog.get_logger("pathways.web.subject_access")

ANSWERING = frozenset({Role.SUPERVISOR, Role.COORDINATOR})


async def subject_document(
    request: Request, store: EventStore, account: Account, pathway_id: str, channel: Channel
) -> dict[str, Any]:
    """The pathway's document, its read logged (purpose `subject_access`) before it is made.

    Raises:
        ProblemError: `forbidden` (403) for another role, `pathway_not_found` (404) outside
            the scope, `unavailable` (503) where the app has no subject documents.
    """
    if account.role not in ANSWERING:
        log.warning("access_denied", account_id=account.id, action="subject_access")
        raise ProblemError(FORBIDDEN, "supervisors and the coordinator answer", status=403)
    await readable(store.caseload, account, pathway_id)
    documents = dependencies.subject_documents(request)
    if documents is None:
        raise ProblemError("unavailable", "this web app exports no data", status=503)
    await record_read(
        request, account, pathway_id, "export_subject", Purpose.SUBJECT_ACCESS, channel
    )
    document = await documents.document(pathway_id, dependencies.web_settings(request).clock())
    if document is None:
        raise ProblemError("pathway_not_found", "no such pathway", status=404)
    return document
