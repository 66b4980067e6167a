"""Which organisations a page or an API call about an organisation's work may show to whom.

A supervisor sees their own organisation only; the coordinator, the auditor and the admin
choose among all of them. The indicator dashboard, the payments pages, the bulk operations
and the caseload import (page and API) ask this.
"""

from __future__ import annotations

import structlog
from fastapi import Request

from domain.values import Role
from infra.accounts.model import Account, Organisation
from web import dependencies
from web.problems import ProblemError

log = structlog.get_logger("pathways.web.scope")


async def organisations_in_scope(
    request: Request, account: Account, wanted: str | None
) -> tuple[list[Organisation], str | None]:
    """The organisations to choose from, and the one asked for (None: none was asked for,
    and the account may see them all).

    Raises:
        ProblemError: `not_found` (404) for an organisation outside the account's scope,
            the same answer as for one that does not exist.
    """
    every = await dependencies.account_store(request).list_organisations()
    if account.role == Role.SUPERVISOR:
        mine = [o for o in every if o.id == account.organisation_id]
        if wanted not in (None, "", account.organisation_id) or not mine:
            log.warning("access_denied", account_id=account.id, organisation_id=wanted)
            raise ProblemError("not_found", "no such organisation", status=404)
        return mine, mine[0].id
    if not wanted:
        return every, None
    if wanted not in {o.id for o in every}:
        raise ProblemError("not_found", "no such organisation", status=404)
    return every, wanted
