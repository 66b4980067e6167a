"""`pathways budget`: the project's budget lines, shown and set from a TOML file.

Every refusal is `error: <code>: <detail>` with exit code 2, and changes nothing.
"""

from __future__ import annotations

import contextlib
import getpass
import json as jsonlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from infra.config import Settings
from workers.failures import Refused, Unavailable
from workers.invocation import run_command

if TYPE_CHECKING:
    from infra.budgets.model import BudgetChange, BudgetLine
    from infra.eventstore.postgres import PostgresEventStore
    from infra.payments.book import PaymentsBook

app = typer.Typer(
    name="budget",
    help="The project's budget lines: amounts, what approved payments committed, what is left.",
    no_args_is_help=True,
)

ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor", envvar="PATHWAYS_ACTOR", help="Who makes the change (default: cli:<login>)."
    ),
]


def actor_or_login(actor: str | None) -> str:
    """The person a change is recorded under: `--actor`, else `cli:<login name>`."""
    return actor or f"cli:{getpass.getuser()}"


@contextlib.asynccontextmanager
async def ledger_database(
    settings: Settings,
) -> AsyncIterator[tuple[PostgresEventStore, PaymentsBook]]:
    """The event store (with its budget lines) and the payments store, for one command.

    Raises:
        Refused: a budget or payment operation was refused (its code).
        Unavailable: the database cannot be reached or is not migrated.
    """
    import psycopg

    from infra.budgets.model import BudgetError
    from infra.db import open_pool
    from infra.payments.model import PaymentError
    from workers.composition import Stores
    from workers.endpoints import CONNECT_TIMEOUT_SECONDS, check_database, database_url, redact

    async with database_url(settings, may_start=True) as conninfo:
        await check_database(conninfo)
        pool = await open_pool(conninfo, min_size=1, max_size=2, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            stores = Stores(settings, pool)
            yield stores.events, stores.payments
        except (BudgetError, PaymentError) as err:
            field = getattr(err, "field", None) or getattr(err, "line_id", None)
            raise Refused(err.code, err.detail, field) from None
        except psycopg.errors.UndefinedTable:
            raise Unavailable(
                f"the database {redact(conninfo)} has no budget lines yet: run `pathways migrate`"
            ) from None
        except psycopg.OperationalError as err:
            raise Unavailable(f"the database {redact(conninfo)}: {err}") from None
        finally:
            await pool.close()


@app.command("show")
def show(json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Each line's amount, what approved payments committed of it, and what is left."""
    from infra.budgets.model import format_cents

    async def work(settings: Settings) -> None:
        async with ledger_database(settings) as (store, _):
            lines = await store.budget.budget_lines()
        if json:
            typer.echo(
                jsonlib.dumps(
                    [
                        {**line.model_dump(mode="json"), "available": line.available}
                        for line in lines
                    ],
                    indent=2,
                )
            )
            return
        if not lines:
            typer.echo("no budget lines: set them with `pathways budget apply FILE`")
            return
        rows = [("line", "amount", "committed", "available")] + [
            (
                line.line_id,
                format_cents(line.amount),
                format_cents(line.committed),
                format_cents(line.available),
            )
            for line in lines
        ]
        rows.append(
            (
                "total",
                format_cents(sum(line.amount for line in lines)),
                format_cents(sum(line.committed for line in lines)),
                format_cents(sum(line.available for line in lines)),
            )
        )
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for row in rows:
            typer.echo(
                "  ".join(
                    cell.ljust(w) if i == 0 else cell.rjust(w)
                    for i, (cell, w) in enumerate(zip(row, widths, strict=True))
                )
            )

    run_command(work)


@app.command("apply")
def apply(
    file: Annotated[Path, typer.Argument(help="TOML file of budget lines.", show_default=False)],
    actor: ActorOption = None,
) -> None:
    """Set the budget lines from a TOML file (see infra/budgets/default.toml), all or none.

    Refuses `budget_below_committed` when a line would fall below what approved payments
    have already committed of it. Every change is recorded with who made it and when.
    """

    async def work(settings: Settings) -> None:
        lines = load_lines(file)
        async with ledger_database(settings) as (store, _):
            changes = await store.budget.apply_budget(
                lines,
                changed_by=actor_or_login(actor),
                changed_at=datetime.now(UTC),
                source=str(file),
            )
        typer.echo(describe_changes(changes, len(lines)))

    run_command(work)


def load_lines(file: Path | None) -> list[BudgetLine]:
    """The lines of a budget file (the shipped default when None), or `invalid_budget`."""
    from infra.budgets.file import BudgetFileError, load_budget

    try:
        return load_budget(file)
    except BudgetFileError as err:
        raise Refused(err.code, str(err)) from None


def describe_changes(changes: list[BudgetChange], count: int) -> str:
    """`2 of 7 lines changed`, then one line per change."""
    from infra.budgets.model import format_cents

    described = []
    for change in changes:
        before = "new" if change.old_amount is None else format_cents(change.old_amount)
        described.append(f"{change.line_id}: {before} -> {format_cents(change.new_amount)}")
    head = f"{len(changes)} of {count} lines changed"
    return "\n".join([head, *described])
