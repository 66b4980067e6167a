"""`/admin/policy`: a deadline policy put in force on the running pathways, as `pathways
policy apply` does.

For the admin (`ApplyPolicy` is an admin's command). The TOML file is read by the CLI's
parser (`infra.policy_file.parse_policy`); its preview lists the running pathways whose
timers it moves, each obligation's due date now and after (`client.policy_rollout`, by the
domain's rule), changing nothing; confirming starts the same roll-out the CLI starts (or
joins it), and the page then shows its progress and its counts (`?rollout=<digest>`). A
refused file says why, with its code, and starts nothing.

The policy new pathways follow stays PATHWAYS_POLICY_FILE's, as with the CLI: the page says
so beside the upload.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.service import RPCError

from client.bulk import BulkOperations
from client.policy_rollout import policy_admin, preview_policy, start_roll_out
from infra.accounts.model import Account
from infra.policy_file import PolicyFileError, parse_policy
from web import dependencies
from web.dependencies import PathwaysDep
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.pages.settings_files import UploadRefused, check_admin, uploaded
from web.problems import ProblemError
from workflows.bulk_models import BulkOperation, policy_digest, roll_out_id_for

POLICY_PATH = "/admin/policy"
ACTION = "policy.apply"
WAIT_SECONDS = 5.0
"""How long the confirmation waits for the roll-out before it shows its progress."""
DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _operations(request: Request) -> BulkOperations:
    operations = dependencies.bulk_operations(request)
    if operations is None:
        raise ProblemError("unavailable", "this web app starts no bulk operation", status=503)
    return operations


async def _roll_out(request: Request, digest: str | None) -> BulkOperation | None:
    """The roll-out of the policy of `digest`, if the query names one (else 404, as if none)."""
    if digest is None:
        return None
    if not DIGEST.match(digest):
        raise ProblemError("not_found", "no such roll-out", status=404)
    try:
        found = await _operations(request).progress(roll_out_id_for(digest))
    except LookupError:
        raise ProblemError("not_found", "no such roll-out", status=404) from None
    if found is None:
        raise ProblemError("unavailable", "no worker answers now: try again", status=503)
    return found


async def _page(
    request: Request, account: Account, *, status_code: int = 200, **context: Any
) -> Response:
    organisations = await dependencies.account_store(request).list_organisations()
    digest = request.query_params.get("rollout")
    defaults: dict[str, Any] = {
        "organisations": {o.id: o.name for o in organisations},
        "refusal": None,
        "preview": None,
        "sent": None,
        "rollout": await _roll_out(request, digest),
        "rollout_digest": digest,
    }
    return render(
        request,
        "policy.html",
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
        **{**defaults, **context},
    )


def _refusal(err: UploadRefused | PolicyFileError) -> dict[str, str]:
    if isinstance(err, UploadRefused):
        return {"code": err.code, "detail": err.detail}
    return {"code": err.code, "detail": str(err)}


def build_policy_router() -> APIRouter:
    router = page_router()

    @router.get(POLICY_PATH)
    async def policy(request: Request, account: PageAccount) -> Response:
        """The form that sends a policy file; a roll-out's progress when the query names one."""
        check_admin(account, ACTION)
        return await _page(request, account)

    @router.post(POLICY_PATH + "/preview")
    async def preview(request: Request, account: PageAccount, pathways: PathwaysDep) -> Response:
        """Which running pathways' timers the file moves, with the button that applies it."""
        check_admin(account, ACTION)
        try:
            sent = await uploaded(request)
            policy = parse_policy(sent.data, sent.name)
        except (UploadRefused, PolicyFileError) as err:
            log.info("policy_refused", code=err.code, by=account.id)
            return await _page(request, account, status_code=422, refusal=_refusal(err))
        try:
            found = await preview_policy(pathways, policy)
        except (RPCError, RPCTimeoutOrCancelledError) as err:
            log.warning("policy_preview_failed", error=str(err))
            raise ProblemError(
                "unavailable", "the workflow service does not answer", status=503
            ) from None
        return await _page(request, account, preview=found, sent=sent)

    @router.post(POLICY_PATH)
    async def apply(request: Request, account: PageAccount) -> Response:
        """Start (or join) the policy's roll-out as the admin, then show its progress."""
        check_admin(account, ACTION)
        try:
            sent = await uploaded(request)
            policy = parse_policy(sent.data, sent.name)
        except (UploadRefused, PolicyFileError) as err:
            log.info("policy_refused", code=err.code, by=account.id)
            return await _page(request, account, status_code=422, refusal=_refusal(err))
        operations = _operations(request)
        try:
            started = await start_roll_out(operations, policy, policy_admin(account.id))
            await operations.wait(started.operation_id, WAIT_SECONDS)
        except (RPCError, RPCTimeoutOrCancelledError) as err:
            log.warning("policy_not_started", error=str(err))
            raise ProblemError(
                "unavailable", "the workflow service does not answer", status=503
            ) from None
        digest = policy_digest(policy)
        log.info("policy_rollout_started", operation_id=started.operation_id, by=account.id)
        return see_other(f"{POLICY_PATH}?rollout={digest}", request)

    return router


__all__ = ["POLICY_PATH", "build_policy_router"]
