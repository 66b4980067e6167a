"""`GET /api/v1/access-log`: auditors and the coordinator search who read what, and why.

The search is itself a read: filtered on one pathway, it is recorded against that pathway
(`access_log`), so nobody looks into a person's access history unseen either.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Annotated

import structlog
from fastapi import APIRouter, Query, Request

from client.parsing import INVALID
from domain.values import Identifier, Role
from infra.access_log.model import MAX_SEARCH, AccessEntry, AccessQuery, Channel, Purpose
from infra.accounts.model import Account
from web import dependencies
from web.access import PurposeHeader, PurposeQuery, chosen_purpose, record_read
from web.auth import CurrentAccount
from web.day_or_instant import DAY_OR_INSTANT_OR_EMPTY
from web.problems import PROBLEM_RESPONSES, ProblemError
from web.scope import FORBIDDEN

log = structlog.get_logger("pathways.web.access_log")

SEARCHERS = frozenset({Role.AUDITOR, Role.COORDINATOR})
"""Who may search the access log."""

MAX_OFFSET = 2**63 - 1


def may_search(account: Account) -> bool:
    return account.role in SEARCHERS


def refuse_search(account: Account) -> ProblemError:
    log.warning(
        "access_denied", account_id=account.id, role=account.role.value, action="access_log"
    )
    return ProblemError(FORBIDDEN, "the access log is for auditors and the coordinator", status=403)


def instant(text: str | None, field: str, zone: tzinfo, *, end: bool) -> datetime | None:
    """A bound of the search: an ISO datetime (naive: in `zone`), or a day.

    A day as `since` starts at its first instant; as `until` (exclusive) it ends after its
    last, so `since=until=2026-03-02` is that whole day.

    Raises:
        ProblemError: `invalid_command` (422) for anything else.
    """
    if text is None or text == "":
        return None
    try:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
        return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=zone)
    except (ValueError, OverflowError):
        raise ProblemError(
            INVALID, f"{text!r} is neither a date (2026-03-02) nor an ISO datetime", field
        ) from None


async def search_log(
    request: Request, account: Account, query: AccessQuery, purpose: Purpose, channel: Channel
) -> list[AccessEntry]:
    """The entries, after the role check; a search on one pathway is recorded against it.

    Raises:
        ProblemError: `forbidden` (403) for a role that may not search.
        Unavailable: the search on one pathway could not be recorded.
    """
    if not may_search(account):
        raise refuse_search(account)
    found = await dependencies.access_log(request).search(query)
    if query.pathway_id is not None:
        await record_read(request, account, query.pathway_id, "access_log", purpose, channel)
    return found


def build_access_log_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)

    @router.get(
        "/access-log",
        response_model=list[AccessEntry],
        tags=["privacy"],
        summary="Who read which pathway's personal data, when, why and through what",
    )
    async def access_log(
        request: Request,
        account: CurrentAccount,
        pathway_id: Identifier | None = None,
        account_id: Annotated[Identifier | None, Query(description="Who read")] = None,
        since: Annotated[
            str | None,
            Query(
                description="At or after: an ISO date or datetime (UTC if naive)",
                json_schema_extra=DAY_OR_INSTANT_OR_EMPTY,
            ),
        ] = None,
        until: Annotated[
            str | None,
            Query(
                description="Before: an ISO datetime, or a date (included)",
                json_schema_extra=DAY_OR_INSTANT_OR_EMPTY,
            ),
        ] = None,
        channel: Channel | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_SEARCH)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> list[AccessEntry]:
        """Entries newest first, matching every filter; for auditors and the coordinator."""
        if not may_search(account):
            raise refuse_search(account)
        query = AccessQuery(
            pathway_id=pathway_id,
            account_id=account_id,
            since=instant(since, "since", UTC, end=False),
            until=instant(until, "until", UTC, end=True),
            channel=channel,
            limit=limit,
            offset=offset,
        )
        why = chosen_purpose(account, purpose, x_purpose)
        return await search_log(request, account, query, why, Channel.API)

    return router
