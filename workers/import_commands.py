"""`pathways caseload import-template` / `import`, and `pathways attendance import-template` /
`import`: an existing caseload, or monthly attendance sheets, brought in from a spreadsheet
(docs/import.md).

`import FILE --organisation ORG --dry-run` checks every row as its opening (a caseload's) or
its recording (an attendance sheet's) would be and lists each problem by row and column,
changing nothing, and prints the dry run's id; `import --apply ID` applies the rows without
a problem, as a bulk operation a worker carries on after a crash (`caseload apply ID` does
the same). Both kinds run the same commands below, told apart by their `FileKind`.
Refusals are `error: <code>: <detail>`, exit 2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from infra.config import Settings
from workers.caseload_commands import ActorOption, _actor, _operations, app, followed
from workers.failures import Refused
from workers.invocation import run_command

if TYPE_CHECKING:
    from workflows.bulk_models import ImportAttendance, ImportCaseload

attendance_app = typer.Typer(
    name="attendance",
    help="Monthly attendance sheets (work grants, courses): the template, a dry run, the import.",
    no_args_is_help=True,
)


@dataclass(frozen=True)
class FileKind:
    """What tells a caseload's file from an attendance sheet in the commands below."""

    group: str
    """The command group: `caseload` or `attendance`."""
    changed: str
    """What an applied row is: opened, recorded."""


CASELOAD = FileKind("caseload", "opened")
ATTENDANCE = FileKind("attendance", "recorded")

FileArgument = Annotated[Path | None, typer.Argument(help="The XLSX or CSV file (with --dry-run).")]
OrganisationOption = Annotated[
    str | None, typer.Option("--organisation", help="The organisation it goes to.")
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Check every row; change nothing.")]
ApplyOption = Annotated[str | None, typer.Option("--apply", help="Apply the rows of this dry run.")]
OutputArgument = Annotated[Path, typer.Argument(help="Where to write it (.xlsx or .csv).")]


@app.command("import-template")
def import_template(output: OutputArgument) -> None:
    """Write the template of a caseload's import: XLSX (with instructions) or CSV."""
    _template(CASELOAD, output)


@app.command("import")
def import_caseload(
    file: FileArgument = None,
    organisation: OrganisationOption = None,
    dry_run: DryRunOption = False,
    apply_id: ApplyOption = None,
    actor: ActorOption = None,
) -> None:
    """Dry run a caseload's file (FILE --dry-run), or apply a dry run (--apply ID)."""
    _import(CASELOAD, file, organisation, dry_run, apply_id, actor)


@attendance_app.command("import-template")
def attendance_template(output: OutputArgument) -> None:
    """Write the template of an attendance sheet: XLSX (with instructions) or CSV."""
    _template(ATTENDANCE, output)


@attendance_app.command("import")
def import_attendance(
    file: FileArgument = None,
    organisation: OrganisationOption = None,
    dry_run: DryRunOption = False,
    apply_id: ApplyOption = None,
    actor: ActorOption = None,
) -> None:
    """Dry run an attendance sheet (FILE --dry-run), or apply a dry run (--apply ID).

    A caseworker (--actor) imports the hours of their own pathways, a supervisor of the
    organisation's."""
    _import(ATTENDANCE, file, organisation, dry_run, apply_id, actor)


def _template(kind: FileKind, output: Path) -> None:
    from web.reports import import_files

    template = import_files.CASELOAD if kind is CASELOAD else import_files.ATTENDANCE
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        typer.echo("error: invalid_command: the template is .xlsx or .csv", err=True)
        raise typer.Exit(2)
    output.write_bytes(
        import_files.template_xlsx(template)
        if suffix == ".xlsx"
        else import_files.template_csv(template).encode()
    )
    typer.echo(f"template written to {output}")


def _import(
    kind: FileKind,
    file: Path | None,
    organisation: str | None,
    dry_run: bool,
    apply_id: str | None,
    actor: str | None,
) -> None:
    if (apply_id is None) == (file is None) or (file is not None and not dry_run):
        typer.echo(
            "error: invalid_command: give FILE --organisation ORG --dry-run, or --apply ID",
            err=True,
        )
        raise typer.Exit(2)

    async def work(settings: Settings) -> None:
        if apply_id is not None:
            await _apply(kind, settings, apply_id, actor)
        else:
            assert file is not None
            await _dry_run(kind, settings, file, organisation, actor)

    run_command(work)


async def _dry_run(
    kind: FileKind, settings: Settings, file: Path, organisation: str | None, actor: str | None
) -> None:
    from client import imports

    read: Callable[..., ImportCaseload | ImportAttendance] = (
        imports.read_caseload if kind is CASELOAD else imports.read_attendance
    )
    if organisation is None:
        raise Refused(
            "invalid_command", "into which organisation? give --organisation", "organisation"
        )
    try:
        data = file.read_bytes()
    except OSError as err:
        raise Refused("file_not_found", f"cannot read {file}: {err.strerror}", "file") from None
    try:
        operation = read(
            data,
            file.name,
            organisation,
            max_rows=settings.import_max_rows,
            max_bytes=settings.import_max_bytes,
        )
    except imports.ImportFileError as refused:
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
    would = "would be opened" if kind is CASELOAD else "would be recorded"
    typer.echo(
        f"{len(planned.results)} rows: {planned.count('would_change')} {would}, "
        f"{planned.count('would_refuse')} with problems; dry run {dry_run_id}"
    )
    if planned.count("would_change"):
        typer.echo(f"apply it with: pathways {kind.group} import --apply {dry_run_id}")


async def _apply(kind: FileKind, settings: Settings, dry_run_id: str, actor: str | None) -> None:
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
        f"{len(done.results)} rows: {done.count('done')} {kind.changed}, "
        f"{done.count('refused')} refused ({started.operation_id})"
    )
