"""`pathways group record`: record a group activity once, with its attendees, and follow it.

Through the same `client.group_activities.GroupActivities` as the page and the API: the
account given (`--actor`) must be one that records group activities, every attendee within
its scope, the day not after today; a refusal is `error: <code>: <detail>`, exit 2, and
nothing is written. Run again with the same id, it follows the same recording.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError

from infra.config import Settings
from workers.failures import Refused
from workers.invocation import run_command

if TYPE_CHECKING:
    from client.group_activities import GroupActivities
    from domain.group_activities.activity import GroupActivity
    from infra.accounts.model import Account
    from workflows.group_activity_models import GroupActivityProgress

app = typer.Typer(
    name="group",
    help="Group activities: a social-cohesion event, a group course session, an outing.",
    no_args_is_help=True,
)

PROGRESS_SECONDS = 2.0


@app.command("record")
def record(
    activity_id: Annotated[
        str, typer.Argument(help="The activity's id, chosen once (say ev-2026-05-12-dinner).")
    ],
    attendees: Annotated[
        list[str], typer.Argument(help="The attendees' pathway ids.", show_default=False)
    ],
    title: Annotated[str, typer.Option("--title", help="What it was.")],
    held_on: Annotated[str, typer.Option("--on", help="The day it was held (ISO).")],
    place: Annotated[str, typer.Option("--place", help="Where.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="social_cohesion_event, group_course_session or association_outing.",
        ),
    ] = "social_cohesion_event",
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help="The organisation holding it (the actor's if none)."),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", envvar="PATHWAYS_ACTOR", help="The account recording it."),
    ] = None,
) -> None:
    """Record the activity ACTIVITY_ID attended by ATTENDEES, each pathway told once."""

    async def work(settings: Settings) -> None:
        from domain.errors import DomainError

        account = await _account(settings, actor)
        activity = _valid(
            activity_id=activity_id,
            kind=kind,
            title=title,
            held_on=held_on,
            place=place,
            organisation_id=organisation or account.organisation_id,
            attendees=tuple(attendees),
        )
        async with _recorder(settings) as recorder:
            try:
                recorded = await recorder.record(activity, account.actor, account.organisation_id)
            except DomainError as refused:
                raise Refused(refused.code, refused.message, refused.field) from None
            if recorded.earlier:
                typer.echo(f"already recorded ({recorded.process_id}): its result", err=True)
            done = await followed(recorder, recorded.process_id)
        for row in done.results:
            if row.outcome == "done":
                typer.echo(f"attended: {row.pathway_id}")
            else:
                typer.echo(f"refused: {row.pathway_id}: {row.code}: {row.message}")
        typer.echo(
            f"{activity_id}: {done.count('done')} of {len(activity.attendees)} attendees"
            f" recorded ({recorded.process_id})"
        )

    run_command(work)


def _valid(**fields: object) -> GroupActivity:
    """The activity of `fields`.

    Raises:
        Refused: `invalid_command` with the first field that does not validate.
    """
    from domain.group_activities.activity import GroupActivity

    try:
        return GroupActivity.model_validate(fields)
    except ValidationError as err:
        first = err.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else None
        raise Refused("invalid_command", first["msg"], field) from None


async def _account(settings: Settings, actor: str | None) -> Account:
    """The active account the activity is recorded under.

    Raises:
        Refused: `invalid_command` without `--actor`; `account_not_found` for an id that
            names no active account.
    """
    from workers.endpoints import account_store

    if actor is None:
        raise Refused(
            "invalid_command", "who records it? give --actor (or PATHWAYS_ACTOR)", "actor"
        )
    async with account_store(settings) as accounts:
        account = await accounts.get_account(actor)
    if account is None or not account.active:
        raise Refused("account_not_found", f"no active account {actor!r}", "actor")
    return account


@contextlib.asynccontextmanager
async def _recorder(settings: Settings) -> AsyncIterator[GroupActivities]:
    """`GroupActivities` on the configured Temporal and the caseload, for one command."""
    from client.group_activities import GroupActivities
    from workers.endpoints import database_stores, pathway_client

    async with pathway_client(settings) as pathways, database_stores(settings) as stores:
        yield GroupActivities(pathways.temporal, pathways.task_queue, stores.events.caseload)


async def followed(recorder: GroupActivities, process_id: str) -> GroupActivityProgress:
    """The recording's result, showing its progress on stderr while it runs."""
    from workflows.group_activity_models import GroupActivityStage

    shown = ""
    while True:
        found = await recorder.wait(process_id, PROGRESS_SECONDS)
        if found is not None and found.stage == GroupActivityStage.DONE:
            return found
        now = (
            "waiting for a worker"
            if found is None
            else f"{len(found.results)} of {len(found.activity.attendees)} attendees told"
        )
        if now != shown:
            typer.echo(f"{process_id}: {now}", err=True)
            shown = now
