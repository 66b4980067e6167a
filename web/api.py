"""`/api/v1`: commands go to the pathway workflows, queries read the event store.

Every write is a workflow update keyed by the client's `command_id` (see `PathwayClient`),
so the API keeps no state of its own and runs as several processes; a retried request is
answered with the first answer and records nothing more.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel

from client.parsing import INVALID, build_envelope, known_at, opening_document, parse_command
from client.pathway import NOT_FOUND
from domain.calendar import project_day
from domain.commands import CommandEnvelope, OpenPathway
from domain.evolution import fold
from domain.pathway_answer import PathwayAnswer, pathway_answer
from domain.projections import InboxStatus, PathwaySummary, ReferralView
from domain.records import EventRecord
from domain.state import PathwayState
from domain.stream import stream_id_for
from domain.values import Actor, Identifier
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from infra.eventstore.queries import OverdueObligation
from web.access import PurposeHeader, PurposeQuery, chosen_purpose, record_read
from web.api_links import pathway_links
from web.auth import CurrentAccount
from web.caseload_api import TOTAL_HEADER, TOTAL_HEADER_SCHEMA, SelectionDep
from web.caseload_list import MAX_OFFSET, count_caseload, list_caseload
from web.command_bodies import CommandBody, OpeningBody
from web.day_or_instant import DAY_OR_INSTANT
from web.dependencies import AccountsDep, PathwaysDep, SettingsDep, StoreDep
from web.duplicates import DuplicateNotice, notices, organisation_names
from web.outages import within
from web.problems import PROBLEM_RESPONSES, ProblemError
from web.scope import (
    addressed,
    caseload_filter,
    check_may_open_in,
    history_in_scope,
    inbox,
    readable,
    sendable,
)
from workflows.models import CommandResult


class HistoryEntry(BaseModel):
    """One recorded event, with whether it was recorded after the day it happened."""

    stream_id: str
    version: int
    type: str
    schema_version: int
    data: dict[str, Any]
    actor: Actor
    command_id: str
    occurred_at: datetime
    """Business time: when it happened."""
    recorded_at: datetime
    """When it was recorded; `as_of` looks at this one."""
    global_position: int | None = None
    backdated: bool


class OpenedPathway(CommandResult):
    """The reply to an opening, with where a possible duplicate of her is (`web.duplicates`)."""

    possible_duplicates: tuple[DuplicateNotice, ...] = ()


def build_router() -> APIRouter:
    router = APIRouter(prefix="/api/v1", responses=PROBLEM_RESPONSES)

    @router.post(
        "/pathways",
        status_code=status.HTTP_201_CREATED,
        response_model=OpenedPathway,
        responses=pathway_links(status.HTTP_201_CREATED),
        tags=["commands"],
        summary="Open a pathway",
    )
    async def open_pathway(
        settings: SettingsDep,
        pathways: PathwaysDep,
        store: StoreDep,
        accounts: AccountsDep,
        request: Request,
        account: CurrentAccount,
        document: OpeningBody,
    ) -> OpenedPathway:
        """Open a pathway: the `open_pathway` fields, and an optional `command_id`.

        Give a `command_id` to make the request safe to retry: without a `pathway_id`, the
        pathway id is derived from it, and a retry answers with the first reply. The
        deadline policy is the server's, never the request's. The opening is never refused
        for a possible duplicate: `possible_duplicates` says at which organisations the same
        document number, or a close name born the same day, is found (never their
        pathways), to ask them (docs/privacy.md, "Duplicate detection").
        """
        _refuse_nul(document)
        command_id = document.get("command_id")
        opening = opening_document(document, command_id)
        command = parse_command(opening)
        assert isinstance(command, OpenPathway)
        check_may_open_in(account, command.organisation_id)
        envelope = build_envelope(
            command.model_copy(update={"policy": settings.policy}),
            command_id=command_id or str(uuid.uuid4()),
            actor=account.actor,
            occurred_at=document.get("occurred_at"),
        )
        result = await within(pathways.open(envelope), settings.reply_timeout, envelope.command_id)
        names = await organisation_names(accounts)
        found = await notices(store, account, result.pathway_id, names)
        return OpenedPathway(**result.model_dump(), possible_duplicates=tuple(found))

    @router.post(
        "/pathways/{pathway_id}/commands",
        response_model=CommandResult,
        responses=pathway_links(status.HTTP_200_OK),
        tags=["commands"],
        summary="Send a command to a pathway",
    )
    async def send_command(
        settings: SettingsDep,
        store: StoreDep,
        pathways: PathwaysDep,
        request: Request,
        pathway_id: Identifier,
        account: CurrentAccount,
        document: CommandBody,
    ) -> CommandResult:
        """Apply one command; `command_id` is required and makes the request safe to retry."""
        envelope = _envelope(document, account)
        await sendable(store, account, pathway_id, envelope.command)
        reply = pathways.send(pathway_id, envelope)
        return await within(reply, settings.reply_timeout, envelope.command_id)

    @router.get(
        "/pathways/{pathway_id}",
        response_model=PathwayAnswer,
        tags=["queries"],
        summary="A pathway's state, folded from its events, with its open obligations",
    )
    async def pathway_state(
        settings: SettingsDep,
        store: StoreDep,
        request: Request,
        pathway_id: Identifier,
        account: CurrentAccount,
        as_of: Annotated[
            str | None,
            Query(
                description="Show the pathway as known then: an ISO datetime, or a date meaning"
                " the end of that day in Italy; not after today (`as_of_in_future`)",
                # Published only: `known_at` reads it, with its own refusals.
                json_schema_extra=DAY_OR_INSTANT,
            ),
        ] = None,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> PathwayAnswer:
        """The state from the event store (the record); with `as_of`, as it was known then.

        With its open obligations: each one's due instant (ISO 8601, Italian offset) and
        ladder (steps taken and when, the next one and when), as `pathways show --json`.
        The read is recorded in the access log, with its purpose, before it is answered.
        """
        why = chosen_purpose(account, purpose, x_purpose)
        instant = None if as_of is None else known_at(as_of, project_day(settings.clock()))
        await readable(store.caseload, account, pathway_id)
        state, records = await _known(store, pathway_id, instant)
        detail = None if instant is None else f"as_of={instant.isoformat()}"
        await record_read(request, account, pathway_id, "pathway_state", why, Channel.API, detail)
        return pathway_answer(state, records)

    @router.get(
        "/pathways/{pathway_id}/history",
        response_model=list[HistoryEntry],
        tags=["queries"],
        summary="Every event of a pathway",
    )
    async def pathway_history(
        store: StoreDep,
        request: Request,
        pathway_id: Identifier,
        account: CurrentAccount,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> list[HistoryEntry]:
        """Every event, in order, with actor, business time and recording time.

        The read is recorded in the access log, with its purpose, before it is answered.
        """
        why = chosen_purpose(account, purpose, x_purpose)
        records = await history_in_scope(store, account, pathway_id)
        if not records:
            raise ProblemError("pathway_not_found", NOT_FOUND)
        entries = [HistoryEntry(**r.model_dump(), backdated=r.backdated) for r in records]
        await record_read(request, account, pathway_id, "pathway_history", why, Channel.API)
        return entries

    @router.get(
        "/pathways/{pathway_id}/referrals",
        response_model=list[ReferralView],
        tags=["queries"],
        summary="What of a pathway is referred or transferred to your organisation",
    )
    async def pathway_referrals(
        store: StoreDep,
        request: Request,
        pathway_id: Identifier,
        account: CurrentAccount,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
    ) -> list[ReferralView]:
        """For a supervisor of the receiving organisation: the referral's minimum data (first
        name, pathway code, the service asked, who referred it and when); 404 for anyone
        else, as for an unknown pathway. The read is in the access log."""
        why = chosen_purpose(account, purpose, x_purpose)
        views = await addressed(store, account, pathway_id)
        await record_read(request, account, pathway_id, "pathway_referrals", why, Channel.API)
        return views

    @router.get(
        "/referrals",
        response_model=list[ReferralView],
        tags=["queries"],
        summary="The referrals and transfers addressed to your organisation",
    )
    async def referral_inbox(
        store: StoreDep,
        request: Request,
        account: CurrentAccount,
        purpose: PurposeQuery = None,
        x_purpose: PurposeHeader = None,
        answered: Annotated[
            InboxStatus | None,
            Query(
                alias="status",
                description="`pending`: to answer; `answered`: accepted or declined.",
            ),
        ] = None,
    ) -> list[ReferralView]:
        """For a supervisor: every referral and transfer addressed to their organisation,
        those waiting first, each with its minimum data (as `/pathways/{id}/referrals`) and
        its outcome once answered; `status` keeps those to answer or those answered. 403
        for another role. The read is in the access log, one entry per pathway listed."""
        why = chosen_purpose(account, purpose, x_purpose)
        views = await inbox(store, account, answered)
        pathway_ids = sorted({view.pathway_id for view in views})
        if pathway_ids:
            await record_read(request, account, pathway_ids, "referral_inbox", why, Channel.API)
        return views

    @router.get(
        "/pathways",
        response_model=list[PathwaySummary],
        responses={200: {"headers": {TOTAL_HEADER: TOTAL_HEADER_SCHEMA}}},
        tags=["queries"],
        summary="Caseload list",
    )
    async def caseload(
        settings: SettingsDep,
        store: StoreDep,
        account: CurrentAccount,
        selection: SelectionDep,
        response: Response,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[PathwaySummary]:
        """Pathways in your scope matching every filter, in the `sort` order (most urgent
        next deadline first by default). Page with `offset`: the order ends on the pathway
        id, so pages do not overlap while the rows do not change; a page shorter than
        `limit` is the last. The `X-Total-Count` header says how many pathways match
        across every page (in your scope only). `.csv` and `.xlsx` give every row at once,
        up to 20,000 (`export_too_large`, 422, beyond)."""
        now = settings.clock()
        page = await list_caseload(
            store.caseload, account, selection, now, limit=limit, offset=offset
        )
        total = await count_caseload(store.caseload, account, selection, now)
        response.headers[TOTAL_HEADER] = str(total)
        return page

    @router.get(
        "/obligations/overdue",
        response_model=list[OverdueObligation],
        tags=["queries"],
        summary="Overdue obligations",
    )
    async def overdue(
        settings: SettingsDep,
        store: StoreDep,
        request: Request,
        account: CurrentAccount,
        caseworker_id: Identifier | None = None,
        organisation_id: Identifier | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[OverdueObligation]:
        """Obligations due by now in your scope: a caseload, an organisation, the project."""
        scope = caseload_filter(account, organisation_id, caseworker_id)
        if scope.empty:
            return []
        return await store.caseload.overdue_obligations(
            settings.clock(),
            caseworker_id=scope.caseworker_id,
            organisation_id=scope.organisation_id,
            limit=limit,
        )

    return router


def _refuse_nul(document: dict[str, Any]) -> None:
    """Refuse a NUL character anywhere in a command: PostgreSQL stores none, so its event
    could never be appended and the pathway would wait on that command for good."""
    pending: list[tuple[str | None, object]] = [(None, document)]
    while pending:
        field, value = pending.pop()
        if isinstance(value, str) and "\x00" in value:
            raise ProblemError(INVALID, "text may not contain the NUL character (\\u0000)", field)
        if isinstance(value, dict | list):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            pending.extend((f"{field}.{k}" if field else str(k), v) for k, v in items)
            pending.extend((field, k) for k in value if isinstance(value, dict))


def _envelope(document: dict[str, Any], account: Account) -> CommandEnvelope:
    _refuse_nul(document)
    command_id = document.get("command_id")
    if command_id is None:
        raise ProblemError(INVALID, "give a command_id, so that a retry is safe", "command_id")
    command = parse_command(document)
    return build_envelope(
        command,
        command_id=command_id,
        actor=account.actor,
        occurred_at=document.get("occurred_at"),
    )


async def _known(
    store: EventStore, pathway_id: str, instant: datetime | None
) -> tuple[PathwayState, list[EventRecord]]:
    """The state now, or as known at `instant` (from the nearest as-of snapshot), and the
    records `pathway_answer` needs with it."""
    if instant is None:
        records = await store.read_stream(stream_id_for(pathway_id))
        if records:
            return fold(records), records
        raise ProblemError("pathway_not_found", NOT_FOUND)
    view = await store.as_of.view(stream_id_for(pathway_id), instant)
    if view is None:
        raise ProblemError("pathway_not_found", f"{NOT_FOUND} as of {instant.isoformat()}")
    return view.state, view.records
