"""`pathways overdue` and `pathways inbox`: what the clock says is late, per person."""

from __future__ import annotations

import json as jsonlib
from datetime import UTC, datetime
from typing import Annotated

import typer

from domain.calendar import PROJECT_TIMEZONE, last_day_to_act
from domain.values import Role
from infra.config import Settings
from workers.invocation import run_command

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def italian(instant: datetime) -> str:
    """An instant in Italian time, as the pages and the e-mails show it."""
    return f"{instant.astimezone(PROJECT_TIMEZONE):%Y-%m-%d %H:%M}"


def overdue(
    caseworker: Annotated[
        str | None, typer.Option("--caseworker", help="Only this caseworker's caseload.")
    ] = None,
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Only this organisation's pathways.")
    ] = None,
    json: JsonOption = False,
) -> None:
    """What is overdue now: for a caseworker, an organisation, or (neither) the project.

    Times are Italian (Europe/Rome), as on the pages; `--json` gives ISO instants in UTC.
    """
    from workers.endpoints import event_store

    async def work(settings: Settings) -> None:
        now = datetime.now(UTC)
        async with event_store(settings) as store:
            rows = await store.caseload.overdue_obligations(
                now, caseworker_id=caseworker, organisation_id=organisation, limit=500
            )
        if json:
            typer.echo(jsonlib.dumps([r.model_dump(mode="json") for r in rows], indent=2))
            return
        if not rows:
            typer.echo("nothing overdue")
            return
        for row in rows:
            o = row.obligation
            late = (now - o.due_at).days
            measure = f" ({o.measure_id})" if o.measure_id else ""
            typer.echo(
                f"due {italian(o.due_at)}  {late:>4} d late  {o.kind}{measure}  "
                f"pathway {row.pathway_id}  {row.caseworker_id} / {row.organisation_id}"
            )

    run_command(work)


def inbox(
    user: Annotated[str, typer.Option("--user", help="Whose inbox.")],
    role: Annotated[Role, typer.Option("--role", help="Their role.")],
    organisation: Annotated[str, typer.Option("--organisation", help="Their organisation.")],
    unread: Annotated[bool, typer.Option("--unread", help="Only what nobody read yet.")] = False,
    json: JsonOption = False,
) -> None:
    """A person's reminders and escalations, newest first."""
    from workers.endpoints import event_store

    async def work(settings: Settings) -> None:
        async with event_store(settings) as store:
            items = await store.notifications.inbox(
                user_id=user, role=role, organisation_id=organisation, unread_only=unread
            )
        if json:
            typer.echo(jsonlib.dumps([i.model_dump(mode="json") for i in items], indent=2))
            return
        if not items:
            typer.echo("inbox empty")
        for item in items:
            n = item.notification
            what = "escalation" if n.escalation else "reminder"
            read = "" if item.read_at is None else "  (read)"
            withdrawn = ""
            if item.withdrawn is not None:
                met = item.withdrawn
                withdrawn = f"  (withdrawn: {met.met_by} at {italian(met.met_at)}, in time)"
            typer.echo(
                f"{italian(n.created_at)}  {what:<10}  {n.obligation_kind}  "
                f"due {last_day_to_act(n.due_at)}  pathway {n.pathway_id}{read}{withdrawn}"
            )

    run_command(work)
