"""The `pathways` command line: the stack, the worker, the web app, and commands to pathways.

Thin by design: options in, one call into `stack`, `endpoints`, `envelopes` or `views`,
text out; `invocation` runs each command. Exit codes: 0 done; 2 refused or invalid
(`error: <code>: <message>` on stderr), a malformed policy file included; 1 the
infrastructure could not be reached. Results go to stdout, logs to stderr.

Commands that start servers or send commands load the deadline policy first
(PATHWAYS_POLICY_FILE, else the shipped default) and refuse to start when it is malformed,
before anything is started or sent. `policy` (in `policy_commands`) checks and applies it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from infra.config import Settings
from workers import (
    account_commands,
    budget_commands,
    caseload_commands,
    duplicate_commands,
    escalation_commands,
    group_activity_commands,
    import_commands,  # its caseload commands join `pathways caseload`
    partner_commands,
    payment_commands,
    policy_commands,
    privacy_commands,
    report_commands,
    stack_commands,
    subject_export,
)
from workers.failures import Refused
from workers.invocation import answered, configured_policy, run_command

app = typer.Typer(
    name="pathways",
    help="Durable integration pathways: run the stack, send commands, read pathways.",
    no_args_is_help=True,
    add_completion=False,
    # Tracebacks with local variables could print a beneficiary's personal data.
    pretty_exceptions_enable=False,
)
app.add_typer(policy_commands.app)
app.add_typer(account_commands.user_app)
app.add_typer(account_commands.organisation_app)
app.add_typer(partner_commands.app)
app.add_typer(budget_commands.app)
app.add_typer(payment_commands.app)
app.add_typer(caseload_commands.app)
app.add_typer(duplicate_commands.app)
app.add_typer(import_commands.attendance_app)
app.add_typer(group_activity_commands.app)
app.command()(escalation_commands.overdue)
app.command()(escalation_commands.inbox)
app.add_typer(report_commands.projections_app)
app.command()(report_commands.report)
app.command()(privacy_commands.erase)
app.command("export-subject")(subject_export.export_subject)
app.command()(stack_commands.up)
app.command()(stack_commands.worker)
app.command()(stack_commands.web)
app.command()(stack_commands.migrate)
app.add_typer(privacy_commands.hold_app)
app.add_typer(privacy_commands.keys_app)

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


@app.command("open")
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


@app.command()
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


@app.command()
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


@app.command()
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


@app.command()
def demo(
    count: Annotated[int, typer.Option(min=1, help="How many pathways to open.")] = 60,
    seed: Annotated[int, typer.Option(help="Seed of the random caseload.")] = 7,
    json: JsonOption = False,
) -> None:
    """Seed a realistic demo caseload through the running stack, under the demo policy.

    Its pathways are opened under infra/policies/demo.toml, whatever policy the stack runs:
    time is compressed there, so that pathways are followed up right after their exit.
    """
    from workers.endpoints import pathway_client
    from workers.views import summary_text, to_json

    async def work(settings: Settings) -> None:
        from client.group_activities import GroupActivities
        from infra.policy_file import load_demo_policy
        from workers.demo import seed_demo
        from workers.demo_accounts import DEMO_PASSWORD
        from workers.demo_group_activities import seed_demo_group_activities
        from workers.demo_partner_accounts import partner_account_lines, seed_partner_work
        from workers.demo_partners import seed_demo_partners
        from workers.demo_plan import plan_demo
        from workers.demo_referrals import seed_demo_referral

        configured_policy(settings)  # a malformed policy stops every sender alike
        # The demo approves payments: they need the project's budget lines.
        from workers.budget_service import ensure_default_budget
        from workers.endpoints import database_stores, database_url

        async with database_url(settings, may_start=False) as conninfo:
            await ensure_default_budget(settings, conninfo)

        from domain.calendar import project_day

        today = project_day(datetime.now(UTC))
        async with pathway_client(settings) as pathways:
            summary = await seed_demo(
                pathways, today=today, count=count, seed=seed, policy=load_demo_policy()
            )
            moved = await seed_demo_referral(pathways, summary.pathway_ids, today)
            async with database_stores(settings) as stores:
                partners = await seed_demo_partners(stores.partners)
                recorder = GroupActivities(
                    pathways.temporal, pathways.task_queue, stores.events.caseload
                )
                plan = plan_demo(today, count, seed, policy=load_demo_policy())
                grouped = await seed_demo_group_activities(recorder, plan, today)
                at_work = await seed_partner_work(
                    pathways, stores.events, stores.accounts, stores.partners, DEMO_PASSWORD
                )
        typer.echo(to_json(summary) if json else summary_text(summary))
        if not json:
            typer.echo(f"{len(partners)} demo partners registered")
            if moved is not None:
                typer.echo(f"{moved}: referred from org-lecce to org-nardo, then transferred")
            for done in grouped:
                typer.echo(
                    f"group activity {done.activity.activity_id}: "
                    f"{done.count('done')} attendees recorded"
                )
            for line in partner_account_lines(at_work, DEMO_PASSWORD):
                typer.echo(line)

    run_command(work)
