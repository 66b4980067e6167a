"""`/pathways/<id>/erasure`: erasing a closed pathway's personal data, by two people, and
its legal hold.

The same rules as `pathways erase` and `pathways legal-hold` (`infra.crypto.erasure`,
through the `ErasureDesk` the root gives): a supervisor (of the pathway's organisation) or
the admin requests the erasure, typing the pathway's id to confirm and saying why; another
of them approves it, typing the id again, and only then are the data keys destroyed (the
request stands for `--request-id`, so the retention period does not hold it back). A legal
hold refuses both (`legal_hold`) until it is released. Outside someone's scope the pathway
does not exist (404); a caseworker, coordinator or auditor is refused (403). Every refusal
is shown with its code and changes nothing; every step is a `privacy_audit` row.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from client.pathway import NOT_FOUND
from domain.values import Role
from infra.accounts.model import Account
from infra.crypto.erasure_desk import SAME_PERSON, ErasureDesk, ErasureRefused
from infra.eventstore.base import EventStore
from web import dependencies
from web.dependencies import SettingsDep, StoreDep
from web.i18n import N_
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.problems import ProblemError
from web.scope import FORBIDDEN, deny, may_read

ERASING = frozenset({Role.SUPERVISOR, Role.ADMIN})
MAX_REASON = 500
CONFIRMATION_MISMATCH = "confirmation_mismatch"
REFUSALS: dict[str, str] = {
    CONFIRMATION_MISMATCH: N_("Type the pathway's id exactly to confirm: nothing was done."),
    "reason_required": N_("Say why: it is kept in the privacy audit."),
    "pathway_not_closed": N_("Only a closed pathway can be erased."),
    "already_erased": N_("This pathway's personal data are already erased."),
    "legal_hold": N_("The pathway is under legal hold: it cannot be erased until released."),
    "legal_hold_exists": N_("The pathway is already under legal hold."),
    "no_legal_hold": N_("The pathway is not under legal hold."),
    "erasure_already_requested": N_("An erasure of this pathway already awaits approval."),
    "no_erasure_request": N_("There is no such erasure request waiting: reload the page."),
    SAME_PERSON: N_("Another person must approve the erasure you requested."),
    "retention_not_passed": N_("The retention period has not passed."),
}
"""What the page says of a refusal, by code (shown with the code)."""
UNKNOWN_REFUSAL = N_("The operation was refused: nothing was changed.")


def _eraser(account: Account) -> None:
    if account.role not in ERASING:
        log.warning("access_denied", account_id=account.id, action="erasure")
        raise ProblemError(FORBIDDEN, "only supervisors and the admin erase", status=403)


async def _in_scope(store: EventStore, account: Account, pathway_id: str) -> None:
    """The admin erases any pathway (without reading it), a supervisor their organisation's.

    Raises:
        ProblemError: `pathway_not_found` (404) when unknown or outside the scope.
    """
    summary = await store.caseload.get_summary(pathway_id)
    if summary is None:
        raise ProblemError("pathway_not_found", NOT_FOUND)
    if account.role != Role.ADMIN and not may_read(account, summary):
        raise deny(account, "erasure", pathway_id)


def _desk(request: Request) -> ErasureDesk:
    desk = dependencies.erasure_desk(request)
    if desk is None:
        raise ProblemError("unavailable", "this web app erases nothing", status=503)
    return desk


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _page(
    request: Request, pathway_id: str, *, status_code: int = 200, **context: Any
) -> Response:
    defaults: dict[str, Any] = {
        "pathway_id": pathway_id,
        "status": await _desk(request).status(pathway_id),
        "refusal": None,
        "done": request.query_params.get("done"),
    }
    return render(
        request,
        "erasure.html",
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
        **{**defaults, **context},
    )


def _refused(code: str, detail: str) -> dict[str, str]:
    return {"code": code, "message": REFUSALS.get(code, UNKNOWN_REFUSAL), "detail": detail}


def build_erasure_router() -> APIRouter:
    router = page_router()
    base = "/pathways/{pathway_id}/erasure"

    @router.get(base)
    async def erasure(
        store: StoreDep, request: Request, pathway_id: str, account: PageAccount
    ) -> Response:
        """The pathway's erasure: its state, a pending request, the hold, and their forms."""
        _eraser(account)
        await _in_scope(store, account, pathway_id)
        return await _page(request, pathway_id)

    @router.get("/admin/erasure")
    async def find_pathway(store: StoreDep, request: Request, account: PageAccount) -> Response:
        """The admin's way in (no pathway list of their own): the pathway by its id."""
        _eraser(account)
        pathway_id = request.query_params.get("pathway", "").strip()
        await _in_scope(store, account, pathway_id)
        return see_other(f"/pathways/{quote(pathway_id, safe='')}/erasure", request)

    @router.post(base + "/{step}")
    async def erasure_step(
        store: StoreDep,
        settings: SettingsDep,
        request: Request,
        pathway_id: str,
        step: str,
        account: PageAccount,
    ) -> Response:
        """Request or approve the erasure, set or release the hold."""
        _eraser(account)
        await _in_scope(store, account, pathway_id)
        if step not in ("request", "approve", "hold", "release"):
            raise ProblemError("not_found", "no such step", status=404)
        form = await request.form()
        desk, now = _desk(request), settings.clock()
        reason = _text(form, "reason")[:MAX_REASON]
        try:
            if step in ("request", "approve") and _text(form, "confirm") != pathway_id:
                raise ErasureRefused(CONFIRMATION_MISMATCH, "the typed id differs")
            if step == "request":
                await desk.request(pathway_id, actor=account.id, reason=reason, now=now)
            elif step == "approve":
                await desk.approve(pathway_id, _text(form, "request_id"), actor=account.id, now=now)
            elif step == "hold":
                await desk.set_hold(pathway_id, actor=account.id, reason=reason, now=now)
            else:
                await desk.release_hold(pathway_id, actor=account.id, reason=reason, now=now)
        except ErasureRefused as err:
            log.info("erasure_refused", step=step, code=err.code, pathway_id=pathway_id)
            return await _page(
                request, pathway_id, status_code=409, refusal=_refused(err.code, err.message)
            )
        log.info("erasure_step", step=step, pathway_id=pathway_id, by=account.id)
        return see_other(f"/pathways/{pathway_id}/erasure?done={step}", request)

    return router


__all__ = ["REFUSALS", "build_erasure_router"]
