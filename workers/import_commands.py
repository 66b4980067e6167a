"""`pathways caseload import-template` and `pathways caseload import`: an existing caseload
brought in from a spreadsheet (docs/import.md).

`import FILE --organisation ORG --dry-run` checks every row as its opening would be and
lists each problem by row and column, creating nothing, and prints the dry run's id;
`import --apply ID` opens the rows without a problem, as a bulk operation a worker carries
on after a crash (`caseload apply ID` does the same). Refusals are `error: <code>: <detail>`,
exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from infra.config import Settings
from workers.caseload_commands import ActorOption, _actor, _operations, app, followed
from workers.failures import Refused
from workers.invocation import run_command


@app.command("import-template")
def import_template(
    output: Annotated[Path, typer.Argument(help="Where to write it (.xlsx or .csv).")],
) -> None:
    """Write the template of a caseload's import: XLSX (with instructions) or CSV."""
    from web.reports.import_files import template_csv, template_xlsx

    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        typer.echo("error: invalid_command: the template is .xlsx or .csv", err=True)
        raise typer.Exit(2)
    output.write_bytes(template_xlsx() if suffix == ".xlsx" else template_csv().encode())
    typer.echo(f"template written to {output}")


@app.command("import")
def import_caseload(
    file: Annotated[
        Path | None, typer.Argument(help="The XLSX or CSV file (with --dry-run).")
    ] = None,
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="The organisation it goes to.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row; create nothing.")
    ] = False,
    apply_id: Annotated[
        str | None, typer.Option("--apply", help="Open the rows of this dry run.")
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Dry run a caseload's file (FILE --dry-run), or apply a dry run (--apply ID)."""
    if (apply_id is None) == (file is None) or (file is not None and not dry_run):
        typer.echo(
            "error: invalid_command: give FILE --organisation ORG --dry-run, or --apply ID",
            err=True,
        )
        raise typer.Exit(2)

    async def work(settings: Settings) -> None:
        if apply_id is not None:
            await _apply(settings, apply_id, actor)
        else:
            assert file is not None
            await _dry_run(settings, file, organisation, actor)

    run_command(work)


async def _dry_run(
    settings: Settings, file: Path, organisation: str | None, actor: str | None
) -> None:
    from client.caseload_import import ImportFileError, read_caseload

    if organisation is None:
        raise Refused(
            "invalid_command", "into which organisation? give --organisation", "organisation"
        )
    try:
        data = file.read_bytes()
    except OSError as err:
        raise Refused("file_not_found", f"cannot read {file}: {err.strerror}", "file") from None
    try:
        operation = read_caseload(
            data,
            file.name,
            organisation,
            max_rows=settings.import_max_rows,
            max_bytes=settings.import_max_bytes,
        )
    except ImportFileError as refused:
        raise Refused(refused.code, refused.message, refused.field) from None
    who = await _actor(settings, actor)
    async with _operations(settings) as operations:
        dry_run_id = await operations.dry_run(operation, who)
        planned = await followed(operations, dry_run_id)
    if planned.refusal_code is not None:
        raise Refused(planned.refusal_code, planned.refusal_message or "refused")
    for row in planned.results:
        for problem in row.problems:
            typer.echo(f"row {row.row}: {problem.column or '-'}: {problem.code}: {problem.message}")
    typer.echo(
        f"{len(planned.results)} rows: {planned.count('would_change')} would be opened, "
        f"{planned.count('would_refuse')} with problems; dry run {dry_run_id}"
    )
    if planned.count("would_change"):
        typer.echo(f"apply it with: pathways caseload import --apply {dry_run_id}")


async def _apply(settings: Settings, dry_run_id: str, actor: str | None) -> None:
    from client.bulk import BulkRefused

    who = await _actor(settings, actor)
    async with _operations(settings) as operations:
        try:
            started = await operations.apply(dry_run_id, who)
        except BulkRefused as refused:
            raise Refused(refused.code, refused.message) from None
        if started.earlier:
            typer.echo(f"already applied ({started.operation_id}): its result", err=True)
        done = await followed(operations, started.operation_id)
    for row in done.results:
        if row.outcome != "done":
            typer.echo(f"row {row.row}: refused: {row.code}: {row.message}")
    typer.echo(
        f"{len(done.results)} rows: {done.count('done')} opened, "
        f"{done.count('refused')} refused ({started.operation_id})"
    )
