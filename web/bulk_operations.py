"""Starting and reading the bulk operations of an organisation's caseload, for the pages
(`web.pages.caseload_bulk`, `web.pages.caseload_import`) and the API
(`web.caseload_import_api`) alike: who may run them, which operation a reader may see, and
the dry run and its application started through `client.bulk.BulkOperations`.

Who: those who may reassign a pathway (`domain.permissions.SUPERVISION`: supervisors,
their organisation; the coordinator, any). An operation of another organisation is
`not_found` (404), as one that does not exist.
"""

from __future__ import annotations

import structlog
from fastapi import Request
from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.service import RPCError

from client.bulk import BulkOperations, BulkRefused
from domain.permissions import SUPERVISION
from domain.values import Actor, Role
from infra.accounts.model import Account
from web import dependencies
from web.organisation_scope import organisations_in_scope
from web.problems import ProblemError
from web.scope import FORBIDDEN
from workflows.bulk_models import (
    BulkOperation,
    CloseCohort,
    ImportAttendance,
    ImportCaseload,
    ReassignCaseload,
)

log = structlog.get_logger("pathways.web.bulk")

REASSIGNING = SUPERVISION
"""Who runs bulk operations (`domain.permissions`): no one else is offered them."""
WAIT_SECONDS = 5.0
"""How long a request waits for the operation's result before it answers its progress."""


def check_reassigner(account: Account) -> None:
    """403 unless `account` may run bulk operations (`REASSIGNING`)."""
    if account.role not in REASSIGNING:
        log.warning("access_denied", account_id=account.id, action="caseload.reassign")
        raise ProblemError(FORBIDDEN, "reassigning a caseload is for supervisors", status=403)


def check_bulk_reader(account: Account) -> None:
    """403 unless `account` may see bulk operations: who runs them, and a caseworker (their
    organisation's attendance imports only: `operation_in_scope`)."""
    if account.role != Role.CASEWORKER:
        check_reassigner(account)


def bulk_operations(request: Request) -> BulkOperations:
    """The app's bulk operations; 503 when this web app starts none."""
    operations = dependencies.bulk_operations(request)
    if operations is None:
        raise ProblemError("unavailable", "this web app starts no bulk operation", status=503)
    return operations


def _unavailable(err: Exception) -> ProblemError:
    log.warning("bulk_not_started", error=str(err))
    return ProblemError("unavailable", "the workflow service does not answer", status=503)


async def start_dry_run(
    request: Request,
    account: Account,
    operation: ReassignCaseload | CloseCohort | ImportCaseload | ImportAttendance,
) -> str:
    """Start a dry run of `operation` as `account`, wait a moment for it; its id."""
    operations = bulk_operations(request)
    try:
        dry_run_id = await operations.dry_run(operation, Actor(id=account.id, role=account.role))
        await operations.wait(dry_run_id, WAIT_SECONDS)
    except (RPCError, RPCTimeoutOrCancelledError) as err:
        raise _unavailable(err) from None
    log.info("bulk_dry_run_started", operation_id=dry_run_id, by=account.id)
    return dry_run_id


async def apply_dry_run(request: Request, account: Account, operation_id: str) -> str:
    """Apply a dry run in the account's scope (the same application, if it was applied
    already), wait a moment for it; the application's id.

    Raises:
        ProblemError: `not_found` (404) outside the scope; the refusal's code (409) for a
            dry run that cannot be applied (not a dry run, refused, not done).
    """
    await operation_in_scope(request, account, operation_id)
    operations = bulk_operations(request)
    try:
        started = await operations.apply(operation_id, Actor(id=account.id, role=account.role))
        await operations.wait(started.operation_id, WAIT_SECONDS)
    except BulkRefused as refused:
        raise ProblemError(refused.code, refused.message, status=409) from None
    except (RPCError, RPCTimeoutOrCancelledError) as err:
        raise _unavailable(err) from None
    log.info("bulk_applied", operation_id=started.operation_id, by=account.id)
    return started.operation_id


async def operation_in_scope(
    request: Request, account: Account, operation_id: str
) -> BulkOperation:
    """The operation, if it is one of the account's organisations (else 404, as if none); a
    caseworker's: an attendance import of their organisation."""
    try:
        found = await bulk_operations(request).progress(operation_id)
    except LookupError:
        raise ProblemError("not_found", "no such bulk operation", status=404) from None
    if found is None:
        raise ProblemError("unavailable", "no worker answers now: try again", status=503)
    if found.operation.kind == "apply_policy":  # a policy's roll-out: no organisation's
        raise ProblemError("not_found", "no such bulk operation", status=404)
    if account.role == Role.CASEWORKER and (
        found.operation.kind != "import_attendance"
        or found.operation.organisation_id != account.organisation_id
    ):
        log.warning("access_denied", account_id=account.id, operation_id=operation_id)
        raise ProblemError("not_found", "no such bulk operation", status=404)
    await organisations_in_scope(request, account, found.operation.organisation_id)
    return found
