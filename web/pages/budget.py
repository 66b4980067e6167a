"""`/admin/budget`: the project's budget lines, set from a TOML file, as `pathways budget
apply` does.

For the admin. The file is read by the CLI's parser (`infra.budgets.file.parse_budget`),
its changes previewed by the rule that applying follows (`infra.budgets.book.preview_budget`:
a line never below what approved payments committed, `budget_below_committed`), and applied
only once confirmed, through the same `BudgetBook.apply_budget`, recorded under the admin
and the file's name. A refused file says why, with its code, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from infra.accounts.model import Account
from infra.budgets.book import preview_budget
from infra.budgets.file import BudgetFileError, parse_budget
from infra.budgets.model import BudgetError
from web import dependencies
from web.dependencies import SettingsDep
from web.pages.payments_view import money_formatter
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.pages.settings_files import UploadRefused, check_admin, uploaded

BUDGET_PATH = "/admin/budget"
ACTION = "budget.apply"


async def _page(
    request: Request, account: Account, *, status_code: int = 200, **context: Any
) -> Response:
    defaults: dict[str, Any] = {
        "lines": await dependencies.budget_book(request).budget_lines(),
        "money": money_formatter(request),
        "refusal": None,
        "preview": None,
        "sent": None,
        "applied": request.query_params.get("applied"),
    }
    return render(
        request,
        "budget.html",
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
        **{**defaults, **context},
    )


def _refusal(err: Exception) -> dict[str, str]:
    match err:
        case UploadRefused() | BudgetError():
            return {"code": err.code, "detail": err.detail}
        case BudgetFileError():
            return {"code": err.code, "detail": str(err)}
    raise err


def build_budget_router() -> APIRouter:
    router = page_router()

    @router.get(BUDGET_PATH)
    async def budget(request: Request, account: PageAccount) -> Response:
        """The lines as they stand, and the form that sends a new budget file."""
        check_admin(account, ACTION)
        return await _page(request, account)

    @router.post(BUDGET_PATH + "/preview")
    async def preview(request: Request, account: PageAccount) -> Response:
        """What the file would change, line by line, with the button that applies it."""
        check_admin(account, ACTION)
        try:
            sent = await uploaded(request)
            lines = parse_budget(sent.data, sent.name)
            changes = await preview_budget(dependencies.budget_book(request), lines)
        except (UploadRefused, BudgetFileError, BudgetError) as err:
            log.info("budget_refused", code=getattr(err, "code", ""), by=account.id)
            return await _page(request, account, status_code=422, refusal=_refusal(err))
        return await _page(
            request, account, preview={"changes": changes, "count": len(lines)}, sent=sent
        )

    @router.post(BUDGET_PATH)
    async def apply(request: Request, account: PageAccount, settings: SettingsDep) -> Response:
        """Apply the previewed file, all or nothing, under the admin's name."""
        check_admin(account, ACTION)
        try:
            sent = await uploaded(request)
            changes = await dependencies.budget_book(request).apply_budget(
                parse_budget(sent.data, sent.name),
                changed_by=account.id,
                changed_at=settings.clock(),
                source=sent.name,
            )
        except (UploadRefused, BudgetFileError, BudgetError) as err:
            log.info("budget_refused", code=getattr(err, "code", ""), by=account.id)
            return await _page(request, account, status_code=422, refusal=_refusal(err))
        log.info("budget_applied", changed=len(changes), source=sent.name, by=account.id)
        return see_other(f"{BUDGET_PATH}?applied={len(changes)}", request)

    return router


__all__ = ["BUDGET_PATH", "build_budget_router"]
