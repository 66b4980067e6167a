"""The person's rights in the API, on the rules the pages go through.

- A pathway's erasure and legal hold (`web.erasure`, the erasure page's):
  `GET /api/v1/pathways/{id}/erasure`, `POST …/erasure/{request|approve|hold|release}`. A
  refusal is a problem document with the desk's code (409, `confirmation_mismatch` and
  `reason_required` among them) and changes nothing, as on the page.
- Subject access (`web.subject_access`, the page's download):
  `GET /api/v1/pathways/{id}/subject-access`, logged first with purpose `subject_access`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from infra.access_log.model import Channel
from infra.crypto.erasure_desk import ErasureRefused, ErasureStatus
from web.auth import CurrentAccount
from web.command_bodies import NO_NUL
from web.dependencies import SettingsDep, StoreDep
from web.erasure import (
    MAX_REASON,
    ErasureStep,
    check_eraser,
    check_in_scope,
    erasure_desk,
    log,
    take_step,
)
from web.problems import PROBLEM_RESPONSES, ProblemError
from web.subject_access import subject_document

FreeText = Annotated[str, Field(max_length=MAX_REASON, pattern=NO_NUL)]


class PendingErasure(BaseModel):
    """An erasure requested and waiting for another person's approval."""

    request_id: str
    requested_by: str
    reason: str
    at: datetime


class ErasureView(BaseModel):
    """Where a pathway's erasure stands: closed, erased, held, a request waiting."""

    pathway_id: str
    closed_at: datetime | None
    erased: bool
    hold_reason: str | None
    """Why the pathway is under legal hold; null when it is not."""
    pending: PendingErasure | None


class ErasureStepBody(BaseModel):
    """What a step carries: `confirm` (the pathway's id typed again) to request or approve,
    `reason` to request, hold or release, `request_id` (the pending one) to approve."""

    model_config = ConfigDict(extra="forbid")

    confirm: FreeText = ""
    reason: FreeText = ""
    request_id: FreeText = ""


class SubjectAccessDocument(BaseModel):
    """Everything held about a pathway's person: `pathways export-subject`'s document."""

    pathway_id: str
    exported_at: datetime
    state: dict[str, Any]
    """The pathway's state folded from its events, personal fields opened."""
    events: list[dict[str, Any]]
    """Every event, personal fields opened."""
    payments: list[dict[str, Any]]
    """Its ledger rows."""
    notifications: list[dict[str, Any]]
    """The reminders and escalations filed about it."""


def _view(pathway_id: str, status: ErasureStatus) -> ErasureView:
    pending = status.pending
    return ErasureView(
        pathway_id=pathway_id,
        closed_at=status.closed_at,
        erased=status.erased,
        hold_reason=status.hold_reason,
        pending=None
        if pending is None
        else PendingErasure(
            request_id=pending.request_id,
            requested_by=pending.requested_by,
            reason=pending.reason,
            at=pending.at,
        ),
    )


def build_privacy_router(*, erasure: bool = True, subject_access: bool = True) -> APIRouter:
    """The routes; the erasure's are left out of the OpenAPI without `erasure`, the subject
    access without `subject_access` (the app answers them 503), as the codec's are."""
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["privacy"])

    @router.get(
        "/pathways/{pathway_id}/erasure",
        include_in_schema=erasure,
        response_model=ErasureView,
        summary="Where a pathway's erasure and legal hold stand",
    )
    async def erasure_status(
        store: StoreDep, request: Request, pathway_id: str, account: CurrentAccount
    ) -> ErasureView:
        """For a supervisor of the pathway's organisation or the admin (`forbidden`, 403,
        for another role; `pathway_not_found`, 404, outside the scope)."""
        check_eraser(account)
        await check_in_scope(store, account, pathway_id)
        return _view(pathway_id, await erasure_desk(request).status(pathway_id))

    @router.post(
        "/pathways/{pathway_id}/erasure/{step}",
        include_in_schema=erasure,
        response_model=ErasureView,
        summary="Request or approve a pathway's erasure, set or release its legal hold",
    )
    async def erasure_step(
        store: StoreDep,
        settings: SettingsDep,
        request: Request,
        pathway_id: str,
        step: ErasureStep,
        body: ErasureStepBody,
        account: CurrentAccount,
    ) -> ErasureView:
        """One step, by a supervisor of the pathway's organisation or the admin: `request`
        (`confirm`, `reason`), `approve` (`confirm`, `request_id`; by someone other than who
        requested it, and only then are the keys destroyed), `hold` and `release`
        (`reason`). Refused (409, with the code, nothing changed): `confirmation_mismatch`,
        `reason_required`, `pathway_not_closed`, `already_erased`, `legal_hold`,
        `legal_hold_exists`, `no_legal_hold`, `erasure_already_requested`,
        `no_erasure_request`, `same_person`."""
        check_eraser(account)
        await check_in_scope(store, account, pathway_id)
        desk = erasure_desk(request)
        try:
            await take_step(
                desk,
                pathway_id,
                step,
                account,
                settings.clock(),
                confirm=body.confirm,
                reason=body.reason,
                request_id=body.request_id,
            )
        except ErasureRefused as err:
            log.info("erasure_refused", step=step.value, code=err.code, pathway_id=pathway_id)
            raise ProblemError(err.code, err.message, status=409) from None
        return _view(pathway_id, await desk.status(pathway_id))

    @router.get(
        "/pathways/{pathway_id}/subject-access",
        include_in_schema=subject_access,
        response_model=SubjectAccessDocument,
        summary="Everything held about a pathway's person, for their access request",
    )
    async def subject_access_document(
        store: StoreDep, request: Request, pathway_id: str, account: CurrentAccount
    ) -> SubjectAccessDocument:
        """For a supervisor of the pathway's organisation or the coordinator (`forbidden`,
        403, for another role; `pathway_not_found`, 404, outside the scope). The read is
        recorded in the access log, purpose `subject_access`, before the document is made:
        when the log cannot be written nothing is handed over (503)."""
        document = await subject_document(request, store, account, pathway_id, Channel.API)
        return SubjectAccessDocument.model_validate(document)

    return router
