"""`/team/reassign` and `/team/close-cohort`: bulk operations on an organisation's pathways.

`/team/reassign` hands a leaving caseworker's open pathways to another; `/team/close-cohort`
closes the organisation's pathways ready to close (followed up), opened within the days
given, its preview saying which the rules would refuse and why (say `payments_pending`).

For supervisors (their organisation) and the coordinator (the organisation chosen): those
who may reassign a pathway. The form starts a dry run of `BulkOperationWorkflow`, which
lists the pathways that would change and changes nothing; its page (`/team/bulk/<id>`)
shows the rows and an "Apply" button, which applies exactly those rows, and then the
progress and each row's result (done, or refused with its code). The pages only start
the workflow and show it (`pathways caseload reassign`, `close-cohort` and `apply` are the
CLI's twins).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.values import Role
from infra.accounts.model import Account
from web import bulk_operations as bulk
from web import dependencies
from web.bulk_operations import check_bulk_reader, check_reassigner, operation_in_scope
from web.organisation_scope import organisations_in_scope
from web.pages.render import render
from web.pages.routing import PageAccount, page_router, see_other
from workflows.bulk_models import CloseCohort, ImportAttendance, ImportCaseload, ReassignCaseload

REASSIGN_PATH = "/team/reassign"
CLOSE_COHORT_PATH = "/team/close-cohort"
BULK_PATH = "/team/bulk"


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _form(
    request: Request,
    account: Account,
    wanted: str | None,
    status_code: int = 200,
    *,
    invalid: bool = False,
) -> Response:
    organisations, chosen = await organisations_in_scope(request, account, wanted)
    chosen = chosen if chosen is not None else (organisations[0].id if organisations else None)
    people = (
        [] if chosen is None else await dependencies.account_store(request).list_accounts(chosen)
    )
    caseworkers = [p for p in people if p.role == Role.CASEWORKER]
    return render(
        request,
        "caseload_reassign.html",
        status_code=status_code,
        organisations=organisations,
        organisation_id=chosen,
        leaving=caseworkers,
        taking=[p for p in caseworkers if p.active],
        invalid=invalid,
    )


async def _cohort_form(
    request: Request,
    account: Account,
    wanted: str | None,
    status_code: int = 200,
    *,
    invalid: bool = False,
) -> Response:
    organisations, chosen = await organisations_in_scope(request, account, wanted)
    chosen = chosen if chosen is not None else (organisations[0].id if organisations else None)
    return render(
        request,
        "caseload_close_cohort.html",
        status_code=status_code,
        organisations=organisations,
        organisation_id=chosen,
        invalid=invalid,
    )


async def start_dry_run(
    request: Request,
    account: Account,
    operation: ReassignCaseload | CloseCohort | ImportCaseload | ImportAttendance,
) -> Response:
    """Start a dry run of `operation` as `account`, and show it once done (or its progress)."""
    dry_run_id = await bulk.start_dry_run(request, account, operation)
    return see_other(f"{BULK_PATH}/{dry_run_id}", request)


def build_caseload_bulk_router() -> APIRouter:
    router = page_router()

    @router.get(REASSIGN_PATH)
    async def reassign_form(request: Request, account: PageAccount) -> Response:
        """The form: whose pathways, to whom, why."""
        check_reassigner(account)
        return await _form(request, account, request.query_params.get("organisation"))

    @router.post(REASSIGN_PATH)
    async def reassign(request: Request, account: PageAccount) -> Response:
        """Start a dry run of the reassignment and show it."""
        check_reassigner(account)
        form = await request.form()
        organisation = _field(form, "organisation")
        _, chosen = await organisations_in_scope(request, account, organisation)
        try:
            operation = ReassignCaseload(
                organisation_id=chosen or organisation,
                from_caseworker_id=_field(form, "from_caseworker_id"),
                to_caseworker_id=_field(form, "to_caseworker_id"),
                reason=_field(form, "reason") or None,
            )
        except ValueError:
            return await _form(request, account, organisation, status_code=422, invalid=True)
        return await start_dry_run(request, account, operation)

    @router.get(CLOSE_COHORT_PATH)
    async def close_cohort_form(request: Request, account: PageAccount) -> Response:
        """The form: which organisation, opened when, why."""
        check_reassigner(account)
        return await _cohort_form(request, account, request.query_params.get("organisation"))

    @router.post(CLOSE_COHORT_PATH)
    async def close_cohort(request: Request, account: PageAccount) -> Response:
        """Start a dry run of the cohort's closure and show it."""
        check_reassigner(account)
        form = await request.form()
        organisation = _field(form, "organisation")
        _, chosen = await organisations_in_scope(request, account, organisation)
        try:
            operation = CloseCohort.model_validate(
                {
                    "organisation_id": chosen or organisation,
                    "opened_from": _field(form, "opened_from") or None,
                    "opened_to": _field(form, "opened_to") or None,
                    "reason": _field(form, "reason") or None,
                }
            )
        except ValueError:
            return await _cohort_form(request, account, organisation, 422, invalid=True)
        return await start_dry_run(request, account, operation)

    @router.get(BULK_PATH + "/{operation_id}")
    async def operation(request: Request, operation_id: str, account: PageAccount) -> Response:
        """A bulk operation's rows: what would change, or the progress and each result."""
        check_bulk_reader(account)
        found = await operation_in_scope(request, account, operation_id)
        return render(request, "bulk_operation.html", found=found, names=await _names(request))

    @router.post(BULK_PATH + "/{operation_id}/apply")
    async def apply(request: Request, operation_id: str, account: PageAccount) -> Response:
        """Apply a dry run's rows (the same application, if it was applied already)."""
        check_bulk_reader(account)
        started = await bulk.apply_dry_run(request, account, operation_id)
        return see_other(f"{BULK_PATH}/{started}", request)

    return router


async def _names(request: Request) -> dict[str, str]:
    return {a.id: a.display_name for a in await dependencies.account_store(request).list_accounts()}


__all__ = [
    "BULK_PATH",
    "CLOSE_COHORT_PATH",
    "REASSIGN_PATH",
    "build_caseload_bulk_router",
    "check_bulk_reader",
    "check_reassigner",
    "operation_in_scope",
    "start_dry_run",
]
