"""Who may read and make an organisation's payments, and the batch file: the rules the
payments page and `/api/v1/payments` go through.

Supervisors see their organisation; the coordinator, the admin and auditors choose one
(auditors read only). A batch's file is built again from its rows (the bytes first
recorded) and names every payee: handing it over is a read of each of their pathways.
"""

from __future__ import annotations

import structlog
from fastapi import Request

from domain.values import Role
from infra.access_log.model import Channel, Purpose
from infra.accounts.model import Account, Organisation
from infra.payments.book import Batch
from infra.payments.model import PaymentError
from infra.payments.overview import PaymentsDesk
from web import dependencies
from web.access import record_read
from web.organisation_scope import organisations_in_scope
from web.problems import ProblemError
from web.scope import FORBIDDEN

log = structlog.get_logger("pathways.web.payments")

MANAGING = frozenset({Role.SUPERVISOR, Role.COORDINATOR, Role.ADMIN})
READING = MANAGING | {Role.AUDITOR}


def check_reader(account: Account) -> None:
    """Raises `forbidden` (403) for a caseworker (or a partner): payments are not theirs."""
    if account.role not in READING:
        log.warning("access_denied", account_id=account.id, action="payments")
        raise ProblemError(FORBIDDEN, "payments are for supervisors and the project", status=403)


def check_manager(account: Account) -> None:
    """Raises `forbidden` (403) for whoever may not make payments, an auditor among them."""
    check_reader(account)
    if account.role not in MANAGING:
        log.warning("access_denied", account_id=account.id, action="payments.change")
        raise ProblemError(FORBIDDEN, "an auditor reads payments, never makes them", status=403)


def payments_desk(request: Request) -> PaymentsDesk:
    """The root's desk; `unavailable` (503) where the app has no payments database."""
    desk = dependencies.payments_desk(request)
    if desk is None:
        raise ProblemError("unavailable", "this web app has no payments database", status=503)
    return desk


async def payments_scope(
    request: Request, account: Account, wanted: str | None
) -> tuple[list[Organisation], str | None]:
    """The organisations the account may choose from, and the one asked about: the one
    asked for, else the first (payments are kept by organisation).

    Raises:
        ProblemError: `not_found` (404) for an organisation outside the account's scope.
    """
    every, chosen = await organisations_in_scope(request, account, wanted)
    return every, chosen if chosen is not None else (every[0].id if every else None)


async def batch_file(
    request: Request, account: Account, batch_id: str, purpose: Purpose, channel: Channel
) -> Batch:
    """A batch of the account's scope, built again, its payees' reads logged first.

    Raises:
        ProblemError: `not_found` (404) for no such batch or another organisation's; the
            book's refusal (409) when the batch can no longer be built.
    """
    check_reader(account)
    desk = payments_desk(request)
    owner = await desk.overview.batch_organisation(batch_id)
    if owner is None:
        raise ProblemError("not_found", "no such batch", status=404)
    await payments_scope(request, account, owner)  # 404 outside the account's organisations
    try:
        batch = await desk.store.batch(batch_id)
    except PaymentError as err:
        log.error("batch_file_refused", batch_id=batch_id, code=err.code)
        raise ProblemError(err.code, err.detail, status=409) from None
    await record_read(
        request,
        account,
        [row.entry.pathway_id for row in batch.rows],
        "sepa_batch_file",
        purpose,
        channel,
        f"batch={batch_id}"[:200],
    )
    return batch
