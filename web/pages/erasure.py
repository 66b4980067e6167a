"""`/pathways/<id>/erasure`: erasing a closed pathway's personal data, by two people, and
its legal hold.

The same rules as `pathways erase`, `pathways legal-hold` and the API (`web.erasure`,
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

from infra.crypto.erasure_desk import SAME_PERSON, ErasureRefused
from web.dependencies import SettingsDep, StoreDep
from web.erasure import (
    CONFIRMATION_MISMATCH,
    ErasureStep,
    check_eraser,
    check_in_scope,
    erasure_desk,
    take_step,
)
from web.i18n import N_
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.problems import ProblemError

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


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _page(
    request: Request, pathway_id: str, *, status_code: int = 200, **context: Any
) -> Response:
    defaults: dict[str, Any] = {
        "pathway_id": pathway_id,
        "status": await erasure_desk(request).status(pathway_id),
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
        check_eraser(account)
        await check_in_scope(store, account, pathway_id)
        return await _page(request, pathway_id)

    @router.get("/admin/erasure")
    async def find_pathway(store: StoreDep, request: Request, account: PageAccount) -> Response:
        """The admin's way in (no pathway list of their own): the pathway by its id."""
        check_eraser(account)
        pathway_id = request.query_params.get("pathway", "").strip()
        await check_in_scope(store, account, pathway_id)
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
        check_eraser(account)
        await check_in_scope(store, account, pathway_id)
        if step not in ("request", "approve", "hold", "release"):
            raise ProblemError("not_found", "no such step", status=404)
        form = await request.form()
        try:
            await take_step(
                erasure_desk(request),
                pathway_id,
                ErasureStep(step),
                account,
                settings.clock(),
                confirm=_text(form, "confirm"),
                reason=_text(form, "reason"),
                request_id=_text(form, "request_id"),
            )
        except ErasureRefused as err:
            log.info("erasure_refused", step=step, code=err.code, pathway_id=pathway_id)
            return await _page(
                request, pathway_id, status_code=409, refusal=_refused(err.code, err.message)
            )
        return see_other(f"/pathways/{pathway_id}/erasure?done={step}", request)

    return router


__all__ = ["REFUSALS", "build_erasure_router"]
