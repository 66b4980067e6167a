"""`/referrals`: what other organisations refer or transfer to the reader's, as pages.

Phone-first, for the receiving organisation's supervisors: the inbox (the `referral_inbox`
read model: those to answer, then those answered with their outcome), and one page per
referral or transfer with its minimum data (`domain.referral_access.ReferralView`), the
form that accepts it for one of the organisation's active caseworkers and the one that
declines it with a reason. The answers
are the pathway's commands, sent through the same checks as the API's (`web.scope.sendable`,
then the pathway's update): a refused form is shown again with its code (422) and records
nothing. Another organisation's supervisor, or any other role, finds nothing (404, as for
an unknown pathway; the inbox is 403 for a role that answers no referral). Every read is in
the access log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from client.parsing import InvalidInput, build_envelope
from client.pathway import CommandRefused
from domain.commands import COMMAND_ADAPTER, Command
from domain.measures import MeasureKind
from domain.projections import InboxStatus, ReferralView
from domain.referrals.state import ReferralStatus
from domain.values import Role
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.accounts.store import AccountStore
from web.access import page_purpose, record_read
from web.dependencies import AccountsDep, PathwaysDep, SettingsDep, StoreDep
from web.outages import within
from web.pages.actions import gettext_for, new_command_id, refusal_for
from web.pages.labels import label
from web.pages.render import render
from web.pages.routing import PageAccount, page_router, see_other
from web.problems import ProblemError
from web.scope import addressed, inbox, sendable

REFERRALS_PATH = "/referrals"
INVALID = "invalid_command"


def answers(view: ReferralView) -> tuple[str, str]:
    """The accept and decline commands of a referral or a transfer."""
    if view.kind == "transfer":
        return "accept_transfer", "decline_transfer"
    return "accept_referral", "decline_referral"


def answer_command(view: ReferralView, decision: str, data: Mapping[str, str]) -> Command:
    """The command a posted answer makes.

    Raises:
        ValidationError: a field is missing or malformed (no caseworker, an empty reason).
    """
    accept, decline = answers(view)
    document: dict[str, str | None] = (
        {"type": accept, "caseworker_id": data.get("caseworker_id", "")}
        if decision == "accept"
        else {"type": decline, "reason": data.get("reason", "")}
    )
    if view.kind == "referral":
        document["referral_id"] = view.referral_id
    command: Command = COMMAND_ADAPTER.validate_python(document)
    return command


def measure_label(request: Request) -> Callable[[str], str]:
    """The reader's label of a measure kind, as a view carries it (its code)."""
    gettext = gettext_for(request)
    return lambda kind: label(gettext, MeasureKind(kind))


async def caseworkers_of(accounts: AccountStore, account: Account) -> list[tuple[str, str]]:
    """(id, name) of the active caseworkers of the reader's organisation."""
    people = await accounts.list_accounts(account.organisation_id)
    return [(a.id, a.display_name) for a in people if a.role == Role.CASEWORKER and a.active]


def build_referrals_router() -> APIRouter:
    router = page_router()

    async def one(store: StoreDep, account: Account, pathway_id: str, key: str) -> ReferralView:
        views = await addressed(store, account, pathway_id)
        found = next((view for view in views if view.key == key), None)
        if found is None:
            raise ProblemError("pathway_not_found", "no such referral", status=404)
        return found

    async def referral_page(
        request: Request,
        accounts: AccountStore,
        account: Account,
        view: ReferralView,
        *,
        status_code: int = 200,
        data: Mapping[str, str] | None = None,
        refusal: str | None = None,
    ) -> Response:
        return render(
            request,
            "referral.html",
            status_code=status_code,
            headers={"Cache-Control": "no-store"},
            view=view,
            waiting=view.status == ReferralStatus.PENDING,
            caseworkers=await caseworkers_of(accounts, account),
            data=data or {},
            refusal=refusal_for(request, refusal) if refusal else None,
            command_id=(data or {}).get("command_id") or new_command_id(),
            measure_label=measure_label(request),
        )

    @router.get(REFERRALS_PATH)
    async def referral_inbox(store: StoreDep, request: Request, account: PageAccount) -> Response:
        """The referrals and transfers addressed to the reader's organisation."""
        views = await inbox(store, account)
        pathway_ids = sorted({view.pathway_id for view in views})
        if pathway_ids:
            purpose = page_purpose(request, account)
            await record_read(
                request, account, pathway_ids, "referral_inbox", purpose, Channel.PAGE
            )
        return render(
            request,
            "referrals.html",
            waiting=[v for v in views if v.inbox_status == InboxStatus.PENDING],
            answered=[v for v in views if v.inbox_status == InboxStatus.ANSWERED],
            measure_label=measure_label(request),
        )

    @router.get(REFERRALS_PATH + "/{pathway_id}/{key}")
    async def referral(
        store: StoreDep,
        accounts: AccountsDep,
        request: Request,
        pathway_id: str,
        key: str,
        account: PageAccount,
    ) -> Response:
        """One referral or transfer: its minimum data and, while it waits, the answers."""
        view = await one(store, account, pathway_id, key)
        purpose = page_purpose(request, account)
        await record_read(
            request, account, pathway_id, "pathway_referrals", purpose, Channel.PAGE, key
        )
        return await referral_page(request, accounts, account, view)

    @router.post(REFERRALS_PATH + "/{pathway_id}/{key}/{decision}")
    async def answer(
        settings: SettingsDep,
        store: StoreDep,
        accounts: AccountsDep,
        pathways: PathwaysDep,
        request: Request,
        pathway_id: str,
        key: str,
        decision: str,
        account: PageAccount,
    ) -> Response:
        """Accept or decline; 303 to the inbox when done, the page again when refused."""
        if decision not in ("accept", "decline"):
            raise ProblemError("not_found", "no such answer", status=404)
        view = await one(store, account, pathway_id, key)
        form = await request.form()
        data = {k: v for k, v in form.multi_items() if isinstance(v, str)}

        async def again(code: str) -> Response:
            return await referral_page(
                request, accounts, account, view, status_code=422, data=data, refusal=code
            )

        try:
            command = answer_command(view, decision, data)
        except ValidationError:
            return await again(INVALID)
        await sendable(store, account, pathway_id, command)
        try:
            envelope = build_envelope(
                command, command_id=data.get("command_id") or "", actor=account.actor
            )
        except InvalidInput:
            return await again(INVALID)
        try:
            await within(
                pathways.send(pathway_id, envelope), settings.reply_timeout, envelope.command_id
            )
        except CommandRefused as error:
            return await again(error.code)
        return see_other(REFERRALS_PATH, request)

    return router
