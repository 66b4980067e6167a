"""`pathways policy check` and `pathways policy apply`: the deadline policy, as a file and in force.

Both read FILE, else PATHWAYS_POLICY_FILE, else the shipped default, and refuse a malformed
file (exit 2, naming the line) before connecting to anything. `apply` only starts the
policy's roll-out (a bulk operation the worker runs, keyed by the policy's digest) and
follows it; it exits 1 when some pathway did not answer: running it again completes the job
without applying twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infra.config import Settings
from workers.invocation import configured_policy, run_command

app = typer.Typer(
    name="policy",
    help="The deadline policy: check a policy file, put one in force on running pathways.",
    no_args_is_help=True,
)

PolicyFileArgument = Annotated[
    Path | None,
    typer.Argument(
        help="TOML policy file. Default: PATHWAYS_POLICY_FILE, else the shipped default.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _source(settings: Settings, file: Path | None) -> str:
    from infra.policy_file import SHIPPED_NAME

    chosen = file if file is not None else settings.policy_file
    return str(chosen) if chosen is not None else f"{SHIPPED_NAME} (the shipped default)"


@app.command()
def check(file: PolicyFileArgument = None, json: JsonOption = False) -> None:
    """Validate a policy file and print its revisions, deadlines and ladder."""
    from workers.views import policy_text, to_json
    from workflows.bulk_models import policy_digest

    async def work(settings: Settings) -> None:
        policy = configured_policy(settings, file)
        digest = policy_digest(policy)
        typer.echo(
            to_json(policy) if json else policy_text(policy, _source(settings, file), digest)
        )

    run_command(work)


@app.command()
def apply(
    file: PolicyFileArgument = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", envvar="PATHWAYS_ACTOR", help="Id of the admin putting it in force."
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=256, help="Pathways updated at once.")
    ] = 16,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds each pathway has to answer.")
    ] = 30.0,
    json: JsonOption = False,
) -> None:
    """Put a policy in force on every running pathway, as an admin; print what became of it.

    The worker does it, as a roll-out that survives its crash; this command starts it (or
    joins the one running for the same policy) and shows its progress. Counts: applied,
    already in force, refused (say, closed meanwhile), failed. Pathways opened in the last
    second or two may be missed (visibility lags): run it again, it changes nothing where
    the policy is already in force.
    """
    from pydantic import ValidationError

    from client.bulk import BulkOperations
    from client.policy_rollout import policy_admin, start_roll_out
    from workers.caseload_commands import followed
    from workers.endpoints import pathway_client
    from workers.failures import Refused, Unavailable
    from workers.policy_report import report_of
    from workers.views import broadcast_json, broadcast_text

    async def work(settings: Settings) -> None:
        policy = configured_policy(settings, file)
        if actor is None:
            raise Refused(
                "invalid_command", "who applies it? give --actor (or set PATHWAYS_ACTOR)", "actor"
            )
        try:
            admin = policy_admin(actor)
        except ValidationError as err:
            raise Refused("invalid_command", err.errors()[0]["msg"], "actor") from None
        async with pathway_client(settings) as pathways:
            operations = BulkOperations(pathways.temporal, pathways.task_queue)
            started = await start_roll_out(
                operations, policy, admin, concurrency=concurrency, row_timeout=timeout
            )
            report = report_of(await followed(operations, started.operation_id))
        typer.echo(broadcast_json(report) if json else broadcast_text(report))
        if report.failed:
            raise Unavailable(
                f"{report.failed} running pathway(s) did not take the policy; run the same "
                "command again to reach them (those already done stay as they are)"
            )

    run_command(work)
