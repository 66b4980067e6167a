"""An organisation's payments in the API, on the rules of `web.payments` (the payments
page's): the ledger, its batches and their SEPA files, a new batch, and a payment's
approval or rejection, which is the pathway's command (`approve_payment`,
`reject_payment`), so the decider's rules hold as on the pages: two levels above the
policy's threshold, never by its requester, `payment_evidence_missing`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from client.parsing import build_envelope
from client.pathway import PathwayClient
from domain.calendar import project_day
from domain.payments.commands import ApprovePayment, RejectPayment
from domain.values import Identifier
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from infra.payments.model import LedgerRow, LedgerStatus, PaymentError
from infra.payments.overview import BatchSummary
from web.access import PurposeHeader, PurposeQuery, chosen_purpose, record_read
from web.auth import CurrentAccount
from web.command_bodies import NOT_BLANK
from web.dependencies import PathwaysDep, SettingsDep, StoreDep
from web.outages import within
from web.payments import (
    batch_file,
    check_manager,
    check_reader,
    log,
    payments_desk,
    payments_scope,
)
from web.problems import PROBLEM_RESPONSES, ProblemError
from web.scope import sendable
from web.settings import WebSettings
from workflows.models import CommandResult

SEPA_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/xml": {"schema": {"type": "string"}}},
        "description": "The batch's pain.001.001.03 file, the bytes first recorded",
    }
}


class PaymentApproval(BaseModel):
    """An approval of a requested payment; `command_id` makes a retry safe."""

    model_config = ConfigDict(extra="forbid")

    command_id: Identifier


class PaymentRejection(BaseModel):
    """A rejection of a requested payment, and why; `command_id` makes a retry safe."""

    model_config = ConfigDict(extra="forbid")

    command_id: Identifier
    reason: Annotated[str, Field(min_length=1, max_length=4000, pattern=NOT_BLANK)]


class NewBatch(BaseModel):
    """Batch the organisation's approved payments into one SEPA file."""

    model_config = ConfigDict(extra="forbid")

    organisation_id: Identifier | None = None
    """Whose payments: a supervisor's own by default, else the first organisation."""
    execution_date: date | None = None
    """When the bank pays them: tomorrow by default."""


def build_payments_router(*, documented: bool = True) -> APIRouter:
    """The routes; those of the ledger are left out of the OpenAPI when not `documented`
    (an app without a payments database answers them 503), as the codec's are."""
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES, tags=["payments"])

    @router.get(
        "/payments",
        include_in_schema=documented,
        response_model=list[LedgerRow],
        summary="An organisation's ledger",
    )
    async def ledger(
        request: Request,
        account: CurrentAccount,
        organisation_id: Identifier | None = None,
        ledger_status: Annotated[LedgerStatus, Query(alias="status")] = LedgerStatus.APPROVED,
        limit: Annotated[int, Query(ge=1, le=500)] = 200,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> list[LedgerRow]:
        """The organisation's approved payments in one `status`, latest approval first: a
        supervisor's own organisation, the coordinator's, the admin's or an auditor's choice
        (`not_found`, 404, outside the scope; `forbidden`, 403, for a caseworker). Each
        payee's pathway listed is a read in the access log."""
        check_reader(account)
        why = chosen_purpose(account, purpose, x_purpose)
        _, chosen = await payments_scope(request, account, organisation_id)
        if chosen is None:
            return []
        rows = await payments_desk(request).overview.rows(chosen, ledger_status, limit)
        shown = sorted({row.entry.pathway_id for row in rows})
        if shown:
            await record_read(request, account, shown, "payments_ledger", why, Channel.API)
        return rows

    @router.get(
        "/payments/batches",
        include_in_schema=documented,
        response_model=list[BatchSummary],
        summary="An organisation's batches",
    )
    async def batches(
        request: Request, account: CurrentAccount, organisation_id: Identifier | None = None
    ) -> list[BatchSummary]:
        """The organisation's SEPA batches, newest first (no payee named)."""
        check_reader(account)
        _, chosen = await payments_scope(request, account, organisation_id)
        if chosen is None:
            return []
        return await payments_desk(request).overview.batches(chosen)

    @router.post(
        "/payments/batches",
        include_in_schema=documented,
        status_code=status.HTTP_201_CREATED,
        response_model=BatchSummary,
        summary="Batch the approved payments into a SEPA file",
    )
    async def new_batch(
        settings: SettingsDep, request: Request, account: CurrentAccount, body: NewBatch
    ) -> BatchSummary:
        """As `pathways payments export` and the page's button, by a supervisor, the
        coordinator or the admin (an auditor: 403). Refused, recording nothing:
        `nothing_to_export` (409), `no_bank_account`, `invalid_iban`, … (422)."""
        check_manager(account)
        _, chosen = await payments_scope(request, account, body.organisation_id)
        if chosen is None:
            raise ProblemError("not_found", "no organisation", status=404)
        now = settings.clock()
        desk = payments_desk(request)
        try:
            batch = await desk.store.export(
                chosen,
                created_by=account.id,
                now=now,
                execution_date=body.execution_date or project_day(now) + timedelta(days=1),
            )
        except PaymentError as err:
            log.info("batch_refused", code=err.code, organisation_id=chosen)
            code = 409 if err.code == "nothing_to_export" else 422
            raise ProblemError(err.code, err.detail, err.field, status=code) from None
        log.info("batch_created", batch_id=batch.header.batch_id, by=account.id)
        (summary,) = [
            b for b in await desk.overview.batches(chosen) if b.batch_id == batch.header.batch_id
        ]
        return summary

    @router.get(
        "/payments/batches/{batch_id}.xml",
        include_in_schema=documented,
        response_class=Response,
        responses=SEPA_RESPONSE,
        summary="A batch's SEPA file",
    )
    async def sepa_file(
        request: Request,
        batch_id: str,
        account: CurrentAccount,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> Response:
        """The pain.001 file the page downloads; it names every payee, so each of their
        pathways is a read in the access log first. `not_found` (404) for another
        organisation's batch."""
        why = chosen_purpose(account, purpose, x_purpose)
        batch = await batch_file(request, account, batch_id, why, Channel.API)
        return Response(
            batch.document,
            media_type="application/xml",
            headers={
                "Content-Disposition": f'attachment; filename="{batch_id}.xml"',
                "Cache-Control": "no-store",
                "X-Content-SHA256": batch.file_sha256,
            },
        )

    @router.post(
        "/pathways/{pathway_id}/payments/{payment_id}/approval",
        response_model=CommandResult,
        summary="Approve a requested payment",
    )
    async def approve_payment(
        settings: SettingsDep,
        store: StoreDep,
        pathways: PathwaysDep,
        pathway_id: Identifier,
        payment_id: Identifier,
        account: CurrentAccount,
        body: PaymentApproval,
    ) -> CommandResult:
        """The pathway's `approve_payment`, as the approvals page's button sends it: a
        supervisor's approval first, the coordinator's above the threshold, never by who
        requested it (`self_approval_forbidden`), only with its evidence attached where it
        needs one (`payment_evidence_missing`); a refusal records nothing."""
        command = ApprovePayment(payment_id=payment_id)
        return await _send(settings, store, pathways, pathway_id, account, command, body.command_id)

    @router.post(
        "/pathways/{pathway_id}/payments/{payment_id}/rejection",
        response_model=CommandResult,
        summary="Reject a requested payment",
    )
    async def reject_payment(
        settings: SettingsDep,
        store: StoreDep,
        pathways: PathwaysDep,
        pathway_id: Identifier,
        payment_id: Identifier,
        account: CurrentAccount,
        body: PaymentRejection,
    ) -> CommandResult:
        """The pathway's `reject_payment` with its `reason`, as the approvals page's button
        sends it, by whoever may approve it; a refusal records nothing."""
        command = RejectPayment(payment_id=payment_id, reason=body.reason)
        return await _send(settings, store, pathways, pathway_id, account, command, body.command_id)

    return router


async def _send(
    settings: WebSettings,
    store: EventStore,
    pathways: PathwayClient,
    pathway_id: str,
    account: Account,
    command: ApprovePayment | RejectPayment,
    command_id: str,
) -> CommandResult:
    """Send the decision as `/commands` sends a command: in scope, answered once per id."""
    envelope = build_envelope(command, command_id=command_id, actor=account.actor)
    await sendable(store, account, pathway_id, command)
    return await within(
        pathways.send(pathway_id, envelope), settings.reply_timeout, envelope.command_id
    )
