"""`pathways duplicates list|history|confirm|dismiss|undo`: the coordinator's possible
duplicates from a terminal (docs/privacy.md, "Duplicate detection").

The same functions as the page `/duplicates` and the API (`web.duplicates`), on the
database: only an active coordinator (`--actor`) sees the pairs or decides, any other
account is refused with `forbidden` and told nothing of the pairs. Refusals are
`error: <code>: <detail>`, exit 2, and record nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from domain.duplicates import Decision
from infra.config import Settings
from workers.failures import Refused
from workers.invocation import run_command

if TYPE_CHECKING:
    from infra.accounts.model import Account
    from infra.eventstore.base import EventStore

app = typer.Typer(
    name="duplicates",
    help="Possible duplicates across organisations: list, confirm, dismiss, undo (coordinator).",
    no_args_is_help=True,
)

ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor", envvar="PATHWAYS_ACTOR", help="The coordinator's account, who decides."
    ),
]
FirstArgument = Annotated[str, typer.Argument(help="One pathway of the pair.", show_default=False)]
SecondArgument = Annotated[
    str, typer.Argument(help="The other pathway of the pair.", show_default=False)
]


@contextlib.asynccontextmanager
async def _as_coordinator(
    settings: Settings, actor: str | None
) -> AsyncIterator[tuple[EventStore, Account]]:
    """The event store and the acting account, a refusal turned into its code.

    Raises:
        Refused: `invalid_command` without `--actor`; `account_not_found` for an id that
            names no active account; the refusal of `web.duplicates` (`forbidden` for a
            role other than the coordinator's, ...).
    """
    from web.problems import ProblemError
    from workers.endpoints import database_stores

    if actor is None:
        raise Refused("invalid_command", "who decides? give --actor (or PATHWAYS_ACTOR)", "actor")
    async with database_stores(settings) as stores:
        account = await stores.accounts.get_account(actor)
        if account is None or not account.active:
            raise Refused("account_not_found", f"no active account {actor!r}", "actor")
        try:
            yield stores.events, account
        except ProblemError as error:
            raise Refused(error.code, error.detail) from None


@app.command("list")
def list_pairs(actor: ActorOption = None) -> None:
    """The undecided possible duplicates: both pathways, their organisations, the reason."""
    from web.duplicates import possible_duplicates

    async def work(settings: Settings) -> None:
        async with _as_coordinator(settings, actor) as (store, account):
            pairs = await possible_duplicates(store, account)
        for p in pairs:
            typer.echo(
                f"{p.first_pathway_id} ({p.first_organisation_id})"
                f"  {p.second_pathway_id} ({p.second_organisation_id})  {p.reason.value}"
            )
        typer.echo(f"{len(pairs)} possible duplicates to decide")

    run_command(work)


@app.command("history")
def history(actor: ActorOption = None) -> None:
    """Every decision and undoing, newest first; `*` marks a pair's decision now."""
    from web.duplicates import decision_history

    async def work(settings: Settings) -> None:
        async with _as_coordinator(settings, actor) as (store, account):
            entries = await decision_history(store, account)
        for d in entries:
            mark = "*" if d.standing else " "
            typer.echo(
                f"{mark} {d.decided_at.isoformat(timespec='seconds')}  {d.decision.value:9}"
                f"  {d.first_pathway_id}  {d.second_pathway_id}  by {d.decided_by}"
            )

    run_command(work)


def _decide(decision: Decision, first: str, second: str, actor: str | None) -> None:
    from web.duplicates import DuplicateDecision, decide

    async def work(settings: Settings) -> None:
        asked = DuplicateDecision(
            first_pathway_id=first, second_pathway_id=second, decision=decision
        )
        async with _as_coordinator(settings, actor) as (store, account):
            done = await decide(store, account, asked, datetime.now(UTC))
        typer.echo(f"{done.decision.value}: {done.first} {done.second}")

    run_command(work)


@app.command("confirm")
def confirm(first: FirstArgument, second: SecondArgument, actor: ActorOption = None) -> None:
    """Confirm a possible duplicate: one person, counted once in every indicator from now."""
    _decide(Decision.CONFIRMED, first, second, actor)


@app.command("dismiss")
def dismiss(first: FirstArgument, second: SecondArgument, actor: ActorOption = None) -> None:
    """Dismiss a possible duplicate: two people."""
    _decide(Decision.DISMISSED, first, second, actor)


@app.command("undo")
def undo(first: FirstArgument, second: SecondArgument, actor: ActorOption = None) -> None:
    """Undo the pair's decision now: a possible duplicate again, counted as two from now on.

    Kept in the history; `duplicate_not_decided` when the pair has no decision to undo.
    """
    _decide(Decision.UNDONE, first, second, actor)
