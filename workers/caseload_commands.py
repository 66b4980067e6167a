"""`pathways caseload`: bulk operations on a caseload, a dry run first (docs/architecture.md).

`reassign` starts a dry run that lists the open pathways a leaving caseworker would hand
over, changing nothing, and prints its id; `close-cohort` one that lists the pathways of an
organisation ready to close, and those the domain's rule would refuse with its code; `apply`
applies a dry run's rows and shows them done or refused. Each only starts the bulk
operation's workflow and follows it: the worker does the work, and `apply` run again (after
an interruption, say) follows the same application instead of starting another. Refusals
are `error: <code>: <detail>`, exit 2.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from infra.config import Settings
from workers.failures import Refused
from workers.invocation import run_command

if TYPE_CHECKING:
    from client.bulk import BulkOperations
    from domain.values import Actor
    from workflows.bulk_models import BulkOperation

app = typer.Typer(
    name="caseload",
    help="Bulk operations on caseloads: reassign a leaving caseworker's pathways, close a cohort.",
    no_args_is_help=True,
)

_Operation = TypeVar("_Operation", bound=BaseModel)

PROGRESS_SECONDS = 2.0
"""How long a command waits for the result before it shows the progress again."""

ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        envvar="PATHWAYS_ACTOR",
        help="The account (a supervisor or the coordinator) the change is recorded under.",
    ),
]


@app.command("reassign")
def reassign(
    organisation: Annotated[str, typer.Argument(help="The organisation.", show_default=False)],
    leaving: Annotated[
        str, typer.Argument(help="The caseworker whose pathways go.", show_default=False)
    ],
    taking: Annotated[
        str, typer.Argument(help="The caseworker who takes them.", show_default=False)
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for the record.")] = None,
    actor: ActorOption = None,
) -> None:
    """Dry run: list the open pathways LEAVING would hand to TAKING; change nothing.

    Prints the dry run's id: `pathways caseload apply <id>` applies exactly those rows.
    """
    from workflows.bulk_models import ReassignCaseload

    async def work(settings: Settings) -> None:
        operation = _valid(
            ReassignCaseload,
            organisation_id=organisation,
            from_caseworker_id=leaving,
            to_caseworker_id=taking,
            reason=reason,
        )
        async with _operations(settings) as operations:
            dry_run_id = await operations.dry_run(operation, await _actor(settings, actor))
            planned = await followed(operations, dry_run_id)
        if planned.refusal_code is not None:
            raise Refused(planned.refusal_code, planned.refusal_message or "refused")
        for pathway_id in planned.pathway_ids:
            typer.echo(f"would reassign {pathway_id}: {leaving} -> {taking}")
        typer.echo(f"{len(planned.pathway_ids)} pathways; dry run {dry_run_id}")
        if planned.pathway_ids:
            typer.echo(f"apply it with: pathways caseload apply {dry_run_id}")

    run_command(work)


@app.command("close-cohort")
def close_cohort(
    organisation: Annotated[str, typer.Argument(help="The organisation.", show_default=False)],
    opened_from: Annotated[
        str | None,
        typer.Option("--opened-from", help="Only pathways opened on or after this day (ISO)."),
    ] = None,
    opened_to: Annotated[
        str | None,
        typer.Option("--opened-to", help="Only pathways opened on or before this day (ISO)."),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, for the record.")] = None,
    actor: ActorOption = None,
) -> None:
    """Dry run: list the pathways of ORGANISATION ready to close (followed up); change nothing.

    Each row says whether the closure would be accepted now, or refused and why (say
    `payments_pending`). Prints the dry run's id: `pathways caseload apply <id>` closes
    exactly those rows.
    """
    from workflows.bulk_models import CloseCohort

    async def work(settings: Settings) -> None:
        operation = _valid(
            CloseCohort,
            organisation_id=organisation,
            opened_from=opened_from,
            opened_to=opened_to,
            reason=reason,
        )
        async with _operations(settings) as operations:
            dry_run_id = await operations.dry_run(operation, await _actor(settings, actor))
            planned = await followed(operations, dry_run_id)
        if planned.refusal_code is not None:
            raise Refused(planned.refusal_code, planned.refusal_message or "refused")
        for row in planned.results:
            if row.outcome == "would_change":
                typer.echo(f"would close {row.pathway_id}")
            else:
                typer.echo(f"would refuse {row.pathway_id}: {row.code}: {row.message}")
        typer.echo(
            f"{len(planned.pathway_ids)} pathways, {planned.count('would_refuse')} would be"
            f" refused; dry run {dry_run_id}"
        )
        if planned.pathway_ids:
            typer.echo(f"apply it with: pathways caseload apply {dry_run_id}")

    run_command(work)


@app.command("apply")
def apply(
    dry_run_id: Annotated[
        str,
        typer.Argument(
            help="The dry run's id, from `reassign` or `close-cohort`.", show_default=False
        ),
    ],
    actor: ActorOption = None,
) -> None:
    """Apply a dry run's rows, a batch at a time: each pathway done, or refused with its code.

    Run again, it follows the same application (or answers with its result): no pathway
    changes twice.
    """
    from client.bulk import BulkRefused

    async def work(settings: Settings) -> None:
        async with _operations(settings) as operations:
            try:
                started = await operations.apply(dry_run_id, await _actor(settings, actor))
            except BulkRefused as refused:
                raise Refused(refused.code, refused.message) from None
            if started.earlier:
                typer.echo(f"already applied ({started.operation_id}): its result", err=True)
            done = await followed(operations, started.operation_id)
        for row in done.results:
            if row.outcome == "done":
                typer.echo(f"done: {row.pathway_id}")
            else:
                typer.echo(f"refused: {row.pathway_id}: {row.code}: {row.message}")
        typer.echo(
            f"{len(done.results)} pathways: {done.count('done')} done, "
            f"{done.count('refused')} refused ({started.operation_id})"
        )

    run_command(work)


def _valid(kind: type[_Operation], **fields: object) -> _Operation:
    """The operation `kind` of `fields`.

    Raises:
        Refused: `invalid_command` with the first field that does not validate.
    """
    try:
        return kind.model_validate(fields)
    except ValidationError as err:
        first = err.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else None
        raise Refused("invalid_command", first["msg"], field) from None


async def _actor(settings: Settings, actor: str | None) -> Actor:
    """The account the change is recorded under, with its role: the pathways check that it
    may reassign (a supervisor or the coordinator), row by row.

    Raises:
        Refused: `invalid_command` without `--actor`; `account_not_found` for an id that
            names no active account.
    """
    from domain.values import Actor
    from workers.endpoints import account_store

    if actor is None:
        raise Refused("invalid_command", "who does it? give --actor (or PATHWAYS_ACTOR)", "actor")
    async with account_store(settings) as accounts:
        account = await accounts.get_account(actor)
    if account is None or not account.active:
        raise Refused("account_not_found", f"no active account {actor!r}", "actor")
    return Actor(id=account.id, role=account.role)


@contextlib.asynccontextmanager
async def _operations(settings: Settings) -> AsyncIterator[BulkOperations]:
    """`BulkOperations` on the configured Temporal, for one command."""
    from client.bulk import BulkOperations
    from workers.endpoints import pathway_client

    async with pathway_client(settings) as pathways:
        yield BulkOperations(pathways.temporal, pathways.task_queue)


async def followed(operations: BulkOperations, operation_id: str) -> BulkOperation:
    """The operation's result, showing its progress on stderr while it runs."""
    from workflows.bulk_models import BulkStage

    shown = ""
    while True:
        found = await operations.wait(operation_id, PROGRESS_SECONDS)
        if found is not None and found.stage in (BulkStage.DONE, BulkStage.REFUSED):
            return found
        now = (
            "waiting for a worker"
            if found is None
            else f"{found.stage.value}: {len(found.results)} of {len(found.pathway_ids)} rows"
        )
        if now != shown:
            typer.echo(f"{operation_id}: {now}", err=True)
            shown = now
