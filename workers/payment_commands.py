"""`pathways payments`: bank accounts, SEPA exports, bank statements, the expenditure report.

Every refusal is `error: <code>: <detail>` with exit code 2, and changes nothing: no batch
recorded, no row marked, no file written.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from infra.config import Settings
from workers.budget_commands import ActorOption, actor_or_login, ledger_database
from workers.failures import Refused, Unavailable
from workers.invocation import run_command

if TYPE_CHECKING:
    from domain.payments.statements import StatementLine

PROGRESS_SECONDS = 2.0
"""How long the import command waits for the result before it shows the progress again."""

app = typer.Typer(
    name="payments",
    help="Pay approved payments by SEPA transfer, reconcile bank statements, report spending.",
    no_args_is_help=True,
)


@app.command("account")
def account(
    organisation: Annotated[str, typer.Argument(help="The organisation's id.", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Account holder, as the bank knows it.")],
    iban: Annotated[str, typer.Option("--iban", help="The account's IBAN.")],
    bic: Annotated[str | None, typer.Option("--bic", help="The bank's BIC.")] = None,
) -> None:
    """Set the bank account an organisation's transfers are paid from."""
    from infra.payments.postgres import BankAccount

    async def work(settings: Settings) -> None:
        wanted = BankAccount(organisation_id=organisation, debtor_name=name, iban=iban, bic=bic)
        async with ledger_database(settings) as (_, payments):
            saved = await payments.set_account(wanted, datetime.now(UTC))
        typer.echo(f"{saved.organisation_id} pays from {saved.iban} ({saved.debtor_name})")

    run_command(work)


@app.command("export")
def export(
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Export this organisation's payments.")
    ] = None,
    batch: Annotated[
        str | None, typer.Option("--batch", help="Write an exported batch's file again.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Directory of the file.")] = Path("."),
    execution_date: Annotated[
        str | None,
        typer.Option("--execution-date", help="When the bank should pay (default: tomorrow)."),
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Batch the organisation's approved payments into a SEPA credit transfer file (pain.001).

    With --batch, write that batch's file again: the same bytes, the same message id, so
    the bank takes it for the same order and pays no one twice.
    """
    from domain.calendar import project_day
    from infra.faults import crash_point
    from infra.payments.files import write_atomically
    from web.reports.expenditure_report import euros

    async def work(settings: Settings) -> None:
        if (organisation is None) == (batch is None):
            raise Refused("invalid_options", "give --organisation or --batch, one of them")
        now = datetime.now(UTC)
        when = _day(execution_date, "--execution-date") or project_day(now) + timedelta(days=1)
        async with ledger_database(settings) as (_, payments):
            if batch is not None:
                made = await payments.batch(batch)
            else:
                assert organisation is not None
                made = await payments.export(
                    organisation, created_by=actor_or_login(actor), now=now, execution_date=when
                )
                crash_point("after_batch_commit")  # the crash tests end the process here
        path = out / f"{made.header.batch_id}.xml"
        try:
            write_atomically(path, made.document)
        except OSError as err:
            raise Unavailable(
                f"batch {made.header.batch_id} is recorded but {path} could not be written"
                f" ({err.strerror or err}); write it with --batch {made.header.batch_id}"
            ) from None
        typer.echo(str(path))
        typer.echo(
            f"batch {made.header.batch_id} of {made.header.organisation_id}: "
            f"{len(made.rows)} transfers, {euros(made.control_sum)} EUR, "
            f"message id {made.header.message_id}, to be paid on "
            f"{made.header.execution_date.isoformat()}, sha256 {made.file_sha256}"
        )

    run_command(work)


@app.command("import-statement")
def import_statement(
    file: Annotated[
        Path, typer.Argument(help="Bank statement: CSV or camt.053 XML.", show_default=False)
    ],
    ledger_only: Annotated[
        bool,
        typer.Option(
            "--ledger-only",
            help="Settle the ledger here, without Temporal and without telling the pathways "
            "(importing the statement later tells them).",
        ),
    ] = False,
) -> None:
    """Reconcile a bank statement: each line paid, returned, unmatched or a duplicate.

    The import runs as a workflow keyed by the file's hash (docs/payments.md): it settles
    the ledger in one transaction, then tells each paid or returned payment to its pathway
    (`record_payment_outcome`, by system:bank). This command starts it and shows its
    progress until it is done; interrupted, run it again to follow the same import.
    Importing the same file again starts nothing: it answers with the first import's result.
    """
    from domain.calendar import project_day
    from domain.payments.statements import check_booked_by
    from infra.payments.files import read_statement
    from infra.payments.model import PaymentError

    async def work(settings: Settings) -> None:
        try:
            data = file.read_bytes()
        except OSError:
            data = b""  # read_statement names the file and the reason
        try:
            lines = read_statement(file)
        except PaymentError as err:
            raise Refused(err.code, err.detail) from None
        if ledger_only:
            await _settle_here(settings, lines)
            return
        now = datetime.now(UTC)
        try:
            check_booked_by(lines, project_day(now))  # refused here, before anything starts
        except PaymentError as err:
            raise Refused(err.code, err.detail) from None
        await _import_durably(settings, data, str(file), lines, now)

    run_command(work)


async def _settle_here(settings: Settings, lines: list[StatementLine]) -> None:
    """`--ledger-only`: the ledger settled by this process, in one transaction."""
    from infra.payments.book import Settlement

    async with ledger_database(settings) as (_, payments):
        results = await payments.settle(lines, datetime.now(UTC))
    for result in results:
        if result.settlement == Settlement.UNMATCHED:
            _unmatched(result.line, result.note)
    typer.echo(
        _counts(len(lines), {s.value: sum(r.settlement == s for r in results) for s in Settlement})
    )


async def _import_durably(
    settings: Settings, data: bytes, name: str, lines: list[StatementLine], now: datetime
) -> None:
    """Start (or join) the import's workflow, show its progress, then its result."""
    from client.statement_import import StatementImports
    from workers.endpoints import pathway_client
    from workflows.statement_import_models import ImportStage

    async with pathway_client(settings) as client:
        imports = StatementImports(client.temporal, client.task_queue)
        started = await imports.start(data, name, lines, now)
        if started.earlier:
            typer.echo(f"already imported ({started.import_id}): its result", err=True)
        shown = ""
        while True:
            found = await imports.wait(started.import_id, PROGRESS_SECONDS)
            if found is not None and found.stage == ImportStage.DONE:
                break
            state = (
                "waiting for a worker"
                if found is None
                else f"{found.stage.value}: {found.told_count} of {found.to_tell} told"
            )
            if state != shown:
                typer.echo(f"{started.import_id}: {state}", err=True)
                shown = state
    for unmatched in found.unmatched:
        _unmatched(unmatched.line, unmatched.note)
    typer.echo(_counts(found.lines, found.counts))
    told = found.told
    if told.not_sent:
        typer.echo(f"pathways not told: {told.not_sent}", err=True)
    else:
        typer.echo(
            f"pathways told: {told.sent} outcomes, {told.already_known} already known, "
            f"{len(told.refused)} refused"
        )
    for refused in told.refused:
        typer.echo(f"refused: {refused}", err=True)


def _unmatched(line: StatementLine, note: str) -> None:
    typer.echo(f"unmatched: line {line.line} {line.end_to_end_id}: {note}", err=True)


def _counts(lines: int, counts: dict[str, int]) -> str:
    return (
        f"{lines} lines: {counts['paid']} paid, {counts['returned']} returned, "
        f"{counts['unmatched']} unmatched, {counts['duplicate']} duplicates"
    )


@app.command("report")
def report(
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD.")],
    format: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write; CSV to stdout when absent.")
    ] = None,
    include_approved: Annotated[
        bool,
        typer.Option("--include-approved", help="Also payments approved then, not yet paid."),
    ] = False,
) -> None:
    """The expenditure report: per budget line, every payment with its evidence and approvals."""
    from infra.payments.files import write_atomically
    from web.reports.expenditure_report import (
        documents_by_payment,
        euros,
        report_csv,
        report_xlsx,
    )

    async def work(settings: Settings) -> None:
        first, last = _day(start, "--from"), _day(end, "--to")
        assert first is not None and last is not None
        if last < first:
            raise Refused("invalid_period", f"--to {last} is before --from {first}", "to")
        if format not in ("csv", "xlsx"):
            raise Refused("invalid_format", f"--format {format!r}: use csv or xlsx", "format")
        if format == "xlsx" and out is None:
            raise Refused("invalid_options", "an XLSX report needs --out FILE", "out")
        async with ledger_database(settings) as (events, payments):
            rows = await payments.report_rows(first, last, include_approved=include_approved)
            attached = await documents_by_payment(events, rows)
        data = (report_csv if format == "csv" else report_xlsx)(rows, first, last, attached)
        total = euros(sum(r.entry.amount for r, _ in rows))
        if out is None:
            typer.echo(data.decode("utf-8"), nl=False)
            return
        write_atomically(out, data)
        typer.echo(f"{out}: {len(rows)} payments, {total} EUR")

    run_command(work)


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused("invalid_date", f"{option} {text!r} is not YYYY-MM-DD", option) from None
