"""Erasing a closed pathway's personal data, by two people, and its legal hold: the rules
every entry point (the erasure page, `/api/v1/pathways/{id}/erasure`) goes through.

A supervisor (of the pathway's organisation) or the admin requests the erasure, typing the
pathway's id to confirm and saying why; another of them approves it, typing the id again,
and only then are the data keys destroyed (`infra.crypto.erasure`, through the
`ErasureDesk` the root gives). A legal hold refuses both (`legal_hold`) until released.
Outside someone's scope the pathway does not exist (404); a caseworker, coordinator or
auditor is refused (403). Every refusal is an `ErasureRefused` with its code and changes
nothing; every step is a `privacy_audit` row.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import structlog
from fastapi import Request

from client.pathway import NOT_FOUND
from domain.values import Role
from infra.accounts.model import Account
from infra.crypto.erasure_desk import ErasureDesk, ErasureRefused
from infra.eventstore.base import EventStore
from web import dependencies
from web.problems import ProblemError
from web.scope import FORBIDDEN, deny, may_read

log = structlog.get_logger("pathways.web.erasure")

ERASING = frozenset({Role.SUPERVISOR, Role.ADMIN})
MAX_REASON = 500
CONFIRMATION_MISMATCH = "confirmation_mismatch"


class ErasureStep(StrEnum):
    """What a person does to a pathway's erasure."""

    REQUEST = "request"
    APPROVE = "approve"
    HOLD = "hold"
    RELEASE = "release"


def check_eraser(account: Account) -> None:
    """Raises `forbidden` (403) for anyone but a supervisor or the admin."""
    if account.role not in ERASING:
        log.warning("access_denied", account_id=account.id, action="erasure")
        raise ProblemError(FORBIDDEN, "only supervisors and the admin erase", status=403)


async def check_in_scope(store: EventStore, account: Account, pathway_id: str) -> None:
    """The admin erases any pathway (without reading it), a supervisor their organisation's.

    Raises:
        ProblemError: `pathway_not_found` (404) when unknown or outside the scope.
    """
    summary = await store.caseload.get_summary(pathway_id)
    if summary is None:
        raise ProblemError("pathway_not_found", NOT_FOUND)
    if account.role != Role.ADMIN and not may_read(account, summary):
        raise deny(account, "erasure", pathway_id)


def erasure_desk(request: Request) -> ErasureDesk:
    """The root's desk; `unavailable` (503) where the app was composed without one."""
    desk = dependencies.erasure_desk(request)
    if desk is None:
        raise ProblemError("unavailable", "this web app erases nothing", status=503)
    return desk


async def take_step(
    desk: ErasureDesk,
    pathway_id: str,
    step: ErasureStep,
    account: Account,
    now: datetime,
    *,
    confirm: str = "",
    reason: str = "",
    request_id: str = "",
) -> None:
    """Request or approve the erasure, set or release the hold, as `account`.

    A request and an approval must carry the pathway's id typed again (`confirm`).

    Raises:
        ErasureRefused: `confirmation_mismatch`, or the desk's refusal; nothing changed.
    """
    reason = reason.strip()[:MAX_REASON]
    if step in (ErasureStep.REQUEST, ErasureStep.APPROVE) and confirm.strip() != pathway_id:
        raise ErasureRefused(CONFIRMATION_MISMATCH, "the typed id differs")
    match step:
        case ErasureStep.REQUEST:
            await desk.request(pathway_id, actor=account.id, reason=reason, now=now)
        case ErasureStep.APPROVE:
            await desk.approve(pathway_id, request_id.strip(), actor=account.id, now=now)
        case ErasureStep.HOLD:
            await desk.set_hold(pathway_id, actor=account.id, reason=reason, now=now)
        case ErasureStep.RELEASE:
            await desk.release_hold(pathway_id, actor=account.id, reason=reason, now=now)
    log.info("erasure_step", step=step.value, pathway_id=pathway_id, by=account.id)
