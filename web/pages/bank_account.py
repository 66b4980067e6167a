"""`/admin/bank-account`: the account an organisation's SEPA transfers are paid from.

For the admin, as `pathways payments account` is: the same service
(`PaymentsService.set_account`, checked with schwifty as every payment is), so a batch can
be prepared from the payments page on a stack where no one opened a terminal. A refused
form says which field is wrong, in the reader's language, with its code, and records
nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from domain.values import Role
from infra.accounts.model import Account
from infra.payments.book import BankAccount
from infra.payments.model import PaymentError
from infra.payments.overview import PaymentsDesk
from web import dependencies
from web.dependencies import SettingsDep
from web.i18n import N_
from web.organisation_scope import organisations_in_scope
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.problems import ProblemError
from web.scope import FORBIDDEN

BANK_ACCOUNT_PATH = "/admin/bank-account"
MAX_FIELD = 200
FIELD_ERRORS: dict[str, tuple[str, str]] = {
    "invalid_iban": ("iban", N_("This IBAN is not valid: check its digits and its length.")),
    "invalid_bic": ("bic", N_("This BIC is not valid: 8 or 11 letters and digits.")),
    "unknown_payee": ("debtor_name", N_("Enter the account holder's name, as the bank knows it.")),
    "organisation_not_found": ("form", N_("There is no such organisation.")),
    "field_too_long": ("form", N_("A field is too long.")),
}
"""Where the form shows a refused account, and what it says there, by code."""
SAVED = N_("The bank account is saved: SEPA batches of this organisation are paid from it.")


def _admin(account: Account) -> None:
    if account.role != Role.ADMIN:
        log.warning("access_denied", account_id=account.id, action="bank_account")
        raise ProblemError(FORBIDDEN, "only an admin sets bank accounts", status=403)


def _desk(request: Request) -> PaymentsDesk:
    desk = dependencies.payments_desk(request)
    if desk is None:
        raise ProblemError("unavailable", "this web app has no payments database", status=503)
    return desk


async def _page(
    request: Request,
    account: Account,
    wanted: str | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    organisations, chosen = await organisations_in_scope(request, account, wanted)
    chosen = chosen or (organisations[0].id if organisations else None)
    current = None if chosen is None else await _desk(request).overview.account(chosen)
    form = {"debtor_name": "", "iban": "", "bic": ""}
    if current is not None:
        form = {"debtor_name": current.debtor_name, "iban": current.iban, "bic": current.bic or ""}
    defaults: dict[str, Any] = {
        "organisations": organisations,
        "organisation_id": chosen,
        "current": current,
        "form": form,
        "error": None,
        "saved": request.query_params.get("saved") == "1",
    }
    return render(
        request,
        "bank_account.html",
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
        **{**defaults, **context},
    )


def build_bank_account_router() -> APIRouter:
    router = page_router()

    @router.get(BANK_ACCOUNT_PATH)
    async def bank_account(request: Request, account: PageAccount) -> Response:
        """The organisation's account, and the form that sets it."""
        _admin(account)
        return await _page(request, account, request.query_params.get("organisation"))

    @router.post(BANK_ACCOUNT_PATH)
    async def set_bank_account(
        settings: SettingsDep, request: Request, account: PageAccount
    ) -> Response:
        """Set (or replace) the account, as `pathways payments account` does."""
        _admin(account)
        form = await request.form()
        fields = {
            name: value.strip() if isinstance(value := form.get(name), str) else ""
            for name in ("organisation", "debtor_name", "iban", "bic")
        }
        _, organisation_id = await organisations_in_scope(
            request, account, fields["organisation"] or None
        )
        if organisation_id is None:
            raise ProblemError("not_found", "no organisation", status=404)
        try:
            if any(len(value) > MAX_FIELD for value in fields.values()):
                raise PaymentError("field_too_long", f"at most {MAX_FIELD} characters")
            wanted = BankAccount(
                organisation_id=organisation_id,
                debtor_name=fields["debtor_name"],
                iban=fields["iban"],
                bic=fields["bic"] or None,
            )
            saved = await _desk(request).store.set_account(wanted, settings.clock())
        except (PaymentError, ValidationError) as err:
            code = err.code if isinstance(err, PaymentError) else "invalid_account"
            field, message = FIELD_ERRORS.get(code, ("form", N_("The form could not be saved.")))
            log.info("bank_account_refused", code=code, organisation_id=organisation_id)
            return await _page(
                request,
                account,
                organisation_id,
                status_code=422,
                form={k: fields[k] for k in ("debtor_name", "iban", "bic")},
                error={"field": field, "message": message, "code": code},
            )
        log.info(
            "bank_account_set",
            organisation_id=organisation_id,
            iban_tail=saved.iban[-4:],
            by=account.id,
        )
        query = urlencode({"organisation": organisation_id, "saved": "1"})
        return see_other(f"{BANK_ACCOUNT_PATH}?{query}", request)

    return router


__all__ = ["BANK_ACCOUNT_PATH", "build_bank_account_router"]
