"""`/referrals/{pathway}/{referral}/work`: the referred measure, for the receiving caseworker.

The caseworker an accepted referral names sees the referral's minimum data and the referred
measure only, while the beneficiary's consent to share with their organisation is in force
(`domain.referrals.rules.grants`); anyone else, or anyone once the consent is withdrawn,
finds nothing (404, as for an unknown pathway). The page carries the pathway page's own
forms (`web.pages.commands.command_form`) of what a referral lets them record on that
measure (`domain.permissions.REFERRED_WORK`: start it, record its progress, complete it),
posted here and sent through the API's checks (`web.scope.sendable`, then the pathway's
update). A refused form is drawn again on this page, never on the pathway's, so a refusal
shows nothing more of the pathway than the page did. Every read is in the access log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from client.parsing import InvalidInput, build_envelope
from client.pathway import CommandRefused
from domain.calendar import project_day
from domain.commands import COMMAND_ADAPTER
from domain.evolution import fold
from domain.measures import MeasureState, MeasureStatus
from domain.projections import ReferralView
from domain.referrals.rules import grants
from domain.state import PathwayState
from domain.stream import stream_id_for
from domain.values import Role
from infra.access_log.model import Channel
from infra.accounts.model import Account
from infra.eventstore.base import EventStore
from web.access import page_purpose, record_read
from web.dependencies import PathwaysDep, SettingsDep, StoreDep
from web.outages import UNAVAILABLE, within
from web.pages import form_input, forms
from web.pages.actions import ActionView, Refusal, action_view, refusal_for
from web.pages.commands import CommandForm, command_form, progress_kinds
from web.pages.posted_forms import FLASH, form_data, pop_flash
from web.pages.referrals import REFERRALS_PATH, measure_label
from web.pages.render import render
from web.pages.routing import PageAccount, page_router, see_other
from web.problems import ProblemError
from web.scope import sendable

RECORD = "record_measure_progress"
WORK: Mapping[str, MeasureStatus] = {
    "start_measure": MeasureStatus.PLANNED,
    RECORD: MeasureStatus.ACTIVE,
    "complete_measure": MeasureStatus.ACTIVE,
}
"""The page's commands (`domain.permissions.REFERRED_WORK`) and the measure status each needs."""


@dataclasses.dataclass(frozen=True)
class Work:
    """A referral the reader works on: its view, the pathway's state and the measure."""

    view: ReferralView
    state: PathwayState
    measure: MeasureState


def work_path(pathway_id: str, key: str) -> str:
    return f"{REFERRALS_PATH}/{pathway_id}/{key}/work"


def work_forms(state: PathwayState, measure: MeasureState) -> list[CommandForm]:
    """The forms of what the referral lets its caseworker record now, on its measure only."""
    found: list[CommandForm] = []
    for kind, status in WORK.items():
        if measure.status != status:
            continue
        if kind == RECORD:
            found.extend(
                command_form(state, kind, {"choice": f"{measure.measure_id} {progress}"})
                for progress in progress_kinds(measure)
            )
        else:
            found.append(command_form(state, kind, {"choice": measure.measure_id}))
    return found


def work_view(
    request: Request,
    work: Work,
    command: CommandForm,
    *,
    data: Mapping[str, str] | None = None,
    errors: Mapping[str, forms.Message] | None = None,
    command_id: str | None = None,
    refusal: Refusal | None = None,
) -> ActionView:
    """One form as the work page draws it: no choice of another measure, posted here."""
    assert command.chosen is not None
    suffix = f"-{command.chosen.progress_kind}" if command.chosen.progress_kind else ""
    view = action_view(
        request,
        work.view.pathway_id,
        dataclasses.replace(command, choices=[]),
        data=data,
        errors=errors,
        command_id=command_id,
        refusal=refusal,
        id_suffix=suffix,
    )
    url = f"{work_path(work.view.pathway_id, work.view.key)}/{command.type}"
    return dataclasses.replace(view, url=url)


async def work_of(
    store: EventStore, account: Account, pathway_id: str, key: str, on_day: date
) -> Work:
    """The referral `key` of the pathway, if it names the reader and lets them work now.

    Raises:
        ProblemError: `pathway_not_found` (404) otherwise: not named, not a caseworker, the
            referral not accepted, or its consent withdrawn.
    """
    accepted = await store.referral_inbox.accepted_for(account.id)
    view = next((v for v in accepted if (v.pathway_id, v.key) == (pathway_id, key)), None)
    if view is None or account.role != Role.CASEWORKER:
        raise ProblemError("pathway_not_found", "no such referral", status=404)
    state = fold(await store.read_stream(stream_id_for(pathway_id)))
    referral = state.referrals.given.get(key)
    measure_id = referral.measure_id if referral is not None else None
    if not grants(state, account.id, measure_id, on_day):
        raise ProblemError("pathway_not_found", "no such referral", status=404)
    assert measure_id is not None
    return Work(view, state, state.measures[measure_id])


def build_referred_work_router() -> APIRouter:
    router = page_router()

    async def work_page(
        request: Request,
        account: Account,
        work: Work,
        views: list[ActionView],
        status_code: int = 200,
    ) -> Response:
        purpose = page_purpose(request, account)
        await record_read(
            request,
            account,
            work.view.pathway_id,
            "referred_measure",
            purpose,
            Channel.PAGE,
            work.measure.measure_id,
        )
        return render(
            request,
            "referred_work.html",
            status_code=status_code,
            headers={"Cache-Control": "no-store"},
            view=work.view,
            measure=work.measure,
            actions=views,
            flash=pop_flash(request),
            measure_label=measure_label(request),
        )

    def fresh(request: Request, work: Work) -> list[ActionView]:
        return [work_view(request, work, c) for c in work_forms(work.state, work.measure)]

    @router.get(REFERRALS_PATH + "/{pathway_id}/{key}/work")
    async def referred_work(
        settings: SettingsDep,
        store: StoreDep,
        request: Request,
        pathway_id: str,
        key: str,
        account: PageAccount,
    ) -> Response:
        """The referral's minimum data, the referred measure and its forms."""
        work = await work_of(store, account, pathway_id, key, project_day(settings.clock()))
        return await work_page(request, account, work, fresh(request, work))

    @router.post(REFERRALS_PATH + "/{pathway_id}/{key}/work/{kind}")
    async def referred_command(
        settings: SettingsDep,
        store: StoreDep,
        pathways: PathwaysDep,
        request: Request,
        pathway_id: str,
        key: str,
        kind: str,
        account: PageAccount,
    ) -> Response:
        """Send one of the page's forms as the reader; 303 back when accepted, the page with
        the form and its refusal when not. A form for another measure is 404."""
        work = await work_of(store, account, pathway_id, key, project_day(settings.clock()))
        data = form_data(await request.form())
        choice = work.measure.measure_id
        if kind == RECORD:
            choice = f"{choice} {data.get('progress.kind', '')}"
        command = next(
            (
                c
                for c in work_forms(work.state, work.measure)
                if c.type == kind and c.chosen is not None and c.chosen.value == choice
            ),
            None,
        )
        if command is None or data.get("measure_id", choice.split()[0]) != work.measure.measure_id:
            raise ProblemError("not_found", "no such form on this referral", status=404)
        assert command.specs is not None
        command_id = data.get("command_id") or None

        async def again(
            status: int,
            errors: dict[str, forms.Message] | None = None,
            refusal: Refusal | None = None,
        ) -> Response:
            assert command is not None
            failed = work_view(
                request,
                work,
                command,
                data=data,
                errors=errors,
                command_id=command_id,
                refusal=refusal,
            )
            views = [failed if v.form_id == failed.form_id else v for v in fresh(request, work)]
            return await work_page(request, account, work, views, status)

        document, renamed = form_input.document(command.specs, data)
        try:
            parsed = COMMAND_ADAPTER.validate_python({"type": kind, **document})
        except ValidationError as error:
            return await again(422, form_input.field_errors(error, skip=1, renamed=renamed))
        await sendable(store, account, pathway_id, parsed)
        try:
            envelope = build_envelope(parsed, command_id=command_id or "", actor=account.actor)
        except InvalidInput:
            return await again(422, refusal=refusal_for(request, "invalid_command"))
        try:
            await within(
                pathways.send(pathway_id, envelope), settings.reply_timeout, envelope.command_id
            )
        except CommandRefused as error:
            return await again(422, refusal=refusal_for(request, error.code))
        except ProblemError as error:
            if error.code != UNAVAILABLE:
                raise
            return await again(503, refusal=refusal_for(request, UNAVAILABLE))
        request.session[FLASH] = kind
        return see_other(work_path(pathway_id, key), request)

    return router
