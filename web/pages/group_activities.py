"""`/group-activities`: record a group activity once with its attendees, and follow it.

For caseworkers (attendees from their caseload), supervisors (their organisation's) and the
coordinator (anyone's, of every organisation): the form lists the pathways the person may
record, narrowed by a filter (a pathway id's beginning, an organisation), as checkboxes a
phone can tick. Posting it goes through `client.group_activities` like the API and the CLI:
a refusal (no attendee, too many, a day after today, a pathway outside the scope) shows the
form again with its error and writes nothing. The activity's page shows each attendee told
so far, as the bulk operations' pages show their rows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from client.group_activities import GroupActivities
from domain.calendar import project_day
from domain.errors import DomainError, InvalidCommand
from domain.group_activities.activity import MAX_ATTENDEES, GroupActivity, GroupActivityKind
from domain.group_activities.rules import RECORDERS
from domain.projections import PathwaySummary
from domain.values import Role, Stage
from infra.accounts.model import Account
from web import dependencies
from web.pages.command_labels import refusal_message
from web.pages.render import render
from web.pages.routing import PageAccount, log, page_router, see_other
from web.problems import ProblemError
from web.scope import FORBIDDEN

GROUP_PATH = "/group-activities"
NEW_PATH = GROUP_PATH + "/new"
LISTED = 500
"""Pathways offered on the form at most; the filter narrows them."""


def _recorder(account: Account) -> None:
    if account.role not in RECORDERS:
        log.warning("access_denied", account_id=account.id, action="group_activity.record")
        raise ProblemError(FORBIDDEN, "group activities are recorded by case workers", status=403)


def _activities(request: Request) -> GroupActivities:
    found = dependencies.group_activities(request)
    if found is None:
        raise ProblemError("unavailable", "this web app records no group activity", status=503)
    return found


async def _offered(request: Request, account: Account, prefix: str) -> list[PathwaySummary]:
    """The open pathways the account may record as attendees, whose id starts with `prefix`."""
    scope: dict[str, Any] = {}
    if account.role == Role.CASEWORKER:
        scope["caseworker_id"] = account.id
    elif account.role == Role.SUPERVISOR:
        scope["organisation_id"] = account.organisation_id
    caseload = dependencies.event_store(request).caseload
    rows = await caseload.list_summaries(**scope, limit=LISTED)
    return sorted(
        (r for r in rows if r.stage != Stage.CLOSED and r.pathway_id.startswith(prefix)),
        key=lambda r: (r.organisation_id, r.pathway_id),
    )


async def _form(
    request: Request,
    account: Account,
    *,
    values: dict[str, Any] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    prefix = request.query_params.get("filter", "").strip()
    values = values or {}
    return render(
        request,
        "group_activity_new.html",
        status_code=status_code,
        pathways=await _offered(request, account, prefix),
        filter=prefix,
        kinds=list(GroupActivityKind),
        values=values,
        chosen=set(values.get("attendees", ())),
        today=project_day(datetime.now(UTC)).isoformat(),
        activity_id=values.get("activity_id") or f"ga-{uuid.uuid4().hex[:12]}",
        max_attendees=MAX_ATTENDEES,
        error=error,
        error_message=None if error is None else refusal_message(error.code),
        organisations=await dependencies.account_store(request).list_organisations()
        if account.role == Role.COORDINATOR
        else [],
    )


def _validated(values: dict[str, Any]) -> GroupActivity:
    """The activity of the form's `values`.

    Raises:
        InvalidCommand: `invalid_command` with the first field at fault.
    """
    try:
        return GroupActivity.model_validate(values)
    except ValidationError as err:
        first = err.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else None
        raise InvalidCommand(first["msg"], field=field) from None


def build_group_activities_router() -> APIRouter:
    router = page_router()

    @router.get(NEW_PATH)
    async def new(request: Request, account: PageAccount) -> Response:
        """The form: what, when, where, and the attendees ticked from the caseload."""
        _recorder(account)
        return await _form(request, account)

    @router.post(NEW_PATH)
    async def record(request: Request, account: PageAccount) -> Response:
        """Record the activity once, and show its recording."""
        _recorder(account)
        form = await request.form()
        values: dict[str, Any] = {
            name: str(form.get(name, "")).strip()
            for name in ("activity_id", "kind", "title", "held_on", "place")
        }
        values["organisation_id"] = str(form.get("organisation_id") or account.organisation_id)
        values["attendees"] = tuple(str(p) for p in form.getlist("attendees"))
        try:
            activity = _validated(values)
            recorded = await _activities(request).record(
                activity, account.actor, account.organisation_id
            )
        except DomainError as refused:
            return await _form(request, account, values=values, error=refused, status_code=422)
        log.info("group_activity_recorded", process_id=recorded.process_id, by=account.id)
        return see_other(f"{GROUP_PATH}/{activity.activity_id}", request)

    @router.get(GROUP_PATH + "/{activity_id}")
    async def activity(request: Request, activity_id: str, account: PageAccount) -> Response:
        """The activity and each attendee told so far."""
        _recorder(account)
        found = await _activities(request).find(activity_id, account.actor, account.organisation_id)
        if found is None:
            raise ProblemError("not_found", "no such group activity", status=404)
        return render(request, "group_activity.html", found=found)

    return router
