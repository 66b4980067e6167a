"""`pathways open`, `command`, `show` and `history`: send commands to a pathway, read one back.

`open` and `command` go to the pathway's workflow and wait for its reply, after loading the
deadline policy (a malformed one refuses them before anything is sent); `show` and `history`
read the event store, the system of record.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infra.config import Settings
from workers.failures import Refused
from workers.invocation import answered, configured_policy, run_command

FileOption = Annotated[
    Path | None,
    typer.Option("--file", "-f", help="JSON file with the command; stdin when absent or '-'."),
]
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", envvar="PATHWAYS_ACTOR", help="Id of the person sending it."),
]
RoleOption = Annotated[
    str,
    typer.Option(
        "--role",
        envvar="PATHWAYS_ROLE",
        help="caseworker, supervisor, coordinator, auditor or admin.",
    ),
]
CommandIdOption = Annotated[
    str | None,
    typer.Option(
        "--command-id",
        help="Idempotency key; resending the same id returns the first reply. "
        "Default: the JSON's command_id, else a new uuid.",
    ),
]
OccurredAtOption = Annotated[
    str | None,
    typer.Option(
        "--occurred-at",
        help="Business time, ISO with time zone (at most 30 days back). Default: now.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
TimeoutOption = Annotated[
    float, typer.Option("--timeout", min=1, help="Seconds to wait for the pathway's reply.")
]
PathwayArgument = Annotated[str, typer.Argument(help="The pathway's id.", show_default=False)]


async def duplicate_notice(settings: Settings, pathway_id: str) -> list[str]:
    """Where to ask about the pathway's possible duplicates, a line each; a line saying so
    when the database cannot be asked (the pathway is open all the same)."""
    from web.duplicates import undecided
    from workers.endpoints import database_stores
    from workers.failures import Unavailable

    try:
        async with database_stores(settings) as stores:
            found = await undecided(stores.events, pathway_id)
            names = {o.id: o.name for o in await stores.accounts.list_organisations()}
    except Unavailable as error:
        return [f"possible duplicates not checked: {error}"]
    where = {
        (d.second_organisation_id if d.first_pathway_id == pathway_id else d.first_organisation_id)
        for d in found
    }
    return [
        f"possible duplicate: the same person may have a pathway at {names.get(o, o)}; ask them"
        for o in sorted(where)
    ]


def open_pathway(
    file: FileOption = None,
    actor: ActorOption = None,
    role: RoleOption = "caseworker",
    command_id: CommandIdOption = None,
    occurred_at: OccurredAtOption = None,
    json: JsonOption = False,
    timeout: TimeoutOption = 30.0,
) -> None:
    """Open a pathway from an open_pathway command (JSON); print its id.

    A possible duplicate (the same document number, or a close name born the same day, at
    any organisation) does not stop it: the organisations to ask are printed on standard
    error, never the other pathway (docs/privacy.md, "Duplicate detection").

    Without a pathway_id in the JSON, one is made: derived from the command id when given
    (so a retry opens the same pathway), else random. The pathway follows the deadline
    policy of PATHWAYS_POLICY_FILE (else the shipped default), recorded when not the default.
    """
    from workers.endpoints import pathway_client
    from workers.envelopes import (
        command_envelope,
        opened_under,
        opening_document,
        read_document,
    )
    from workers.views import to_json

    async def work(settings: Settings) -> None:
        policy = configured_policy(settings)
        document = opening_document(read_document(file), command_id)
        envelope = command_envelope(
            document, actor_id=actor, role=role, command_id=command_id, occurred_at=occurred_at
        )
        envelope = opened_under(policy, envelope)
        async with pathway_client(settings) as pathways:
            result = await answered(pathways.open(envelope), timeout, settings, envelope)
        typer.echo(to_json(result) if json else result.pathway_id)
        for line in await duplicate_notice(settings, result.pathway_id):
            typer.echo(line, err=True)

    run_command(work)


def command(
    pathway_id: PathwayArgument,
    file: FileOption = None,
    actor: ActorOption = None,
    role: RoleOption = "caseworker",
    command_id: CommandIdOption = None,
    occurred_at: OccurredAtOption = None,
    json: JsonOption = False,
    timeout: TimeoutOption = 30.0,
) -> None:
    """Send one command (JSON with its "type") to a pathway; print the new version and stage."""
    from workers.endpoints import pathway_client
    from workers.envelopes import command_envelope, read_document
    from workers.views import pending_lines, result_line, to_json

    async def work(settings: Settings) -> None:
        configured_policy(settings)  # a malformed policy stops every sender alike
        envelope = command_envelope(
            read_document(file),
            actor_id=actor,
            role=role,
            command_id=command_id,
            occurred_at=occurred_at,
        )
        async with pathway_client(settings) as pathways:
            result = await answered(
                pathways.send(pathway_id, envelope), timeout, settings, envelope
            )
        typer.echo(to_json(result) if json else result_line(result))
        for line in pending_lines(result.pending_payments):
            typer.echo(f"warning: {line}", err=True)

    run_command(work)


def show(
    pathway_id: PathwayArgument,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="What was known at this instant (ISO datetime, UTC if no zone) "
            "or by the end of this day (a date, in Italian time, as on the pages); "
            "not after today.",
        ),
    ] = None,
    json: JsonOption = False,
) -> None:
    """A pathway's state, folded from its events in the database (the system of record).

    With its open obligations: each one's due instant and ladder (steps taken and when, the
    next one and when). The text names them as the pages do, in Italian and Italian time;
    the JSON has the API's shape, instants in ISO 8601 with their Italian offset.
    """
    from domain.evolution import fold
    from domain.pathway_answer import pathway_answer
    from domain.stream import stream_id_for
    from infra.eventstore.as_of import AsOfView
    from workers.endpoints import event_store
    from workers.envelopes import known_at
    from workers.views import state_text, to_json

    async def work(settings: Settings) -> None:
        instant = None if as_of is None else known_at(as_of)
        async with event_store(settings) as store:
            if instant is None:
                records = await store.read_stream(stream_id_for(pathway_id))
                view = AsOfView(fold(records), records) if records else None
            else:
                view = await store.as_of.view(stream_id_for(pathway_id), instant)
        if view is None:
            when = "" if instant is None else f" as known at {instant.isoformat()}"
            raise Refused("pathway_not_found", f"no pathway has been opened with this id{when}")
        answer = pathway_answer(view.state, view.records)
        typer.echo(to_json(answer) if json else state_text(answer, instant))

    run_command(work)


def history(pathway_id: PathwayArgument, json: JsonOption = False) -> None:
    """Every event of a pathway in order: who, when it happened, when it was recorded."""
    from domain.stream import stream_id_for
    from workers.endpoints import event_store
    from workers.views import history_json, history_text

    async def work(settings: Settings) -> None:
        async with event_store(settings) as store:
            records = await store.read_stream(stream_id_for(pathway_id))
        if not records:
            raise Refused("pathway_not_found", "no pathway has been opened with this id")
        typer.echo(history_json(records) if json else history_text(records))

    run_command(work)
