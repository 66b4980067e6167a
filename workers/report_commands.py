"""`pathways report` and `pathways projections rebuild`: the FAMI indicators on the command line."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from infra.config import Settings
from workers.failures import Refused, Unavailable
from workers.invocation import run_command

if TYPE_CHECKING:
    from infra.accounts.model import Language
    from infra.db import Pool
    from workers.composition import Stores

projections_app = typer.Typer(
    name="projections",
    help="Projections kept from the events: rebuild them from position 0.",
    no_args_is_help=True,
)

PROJECTIONS = ("indicators", "read-models", "as-of")


@contextlib.asynccontextmanager
async def _pool(settings: Settings) -> AsyncIterator[Pool]:
    import psycopg

    from infra.db import open_pool
    from workers.endpoints import CONNECT_TIMEOUT_SECONDS, check_database, database_url, redact

    async with database_url(settings, may_start=True) as conninfo:
        await check_database(conninfo)
        pool = await open_pool(conninfo, min_size=1, max_size=2, timeout=CONNECT_TIMEOUT_SECONDS)
        try:
            yield pool
        except psycopg.errors.UndefinedTable:
            raise Unavailable(
                f"the database {redact(conninfo)} has no indicator tables: run `pathways migrate`"
            ) from None
        except psycopg.OperationalError as err:
            raise Unavailable(f"the database {redact(conninfo)}: {err}") from None
        finally:
            await pool.close()


@projections_app.command("rebuild")
def rebuild(
    name: Annotated[
        str, typer.Option("--name", help=f"The projection: {', '.join(PROJECTIONS)}.")
    ] = "indicators",
) -> None:
    """Replay every event from position 0 into new tables, then swap them in at once
    (indicators); or rewrite each pathway's read models from its events (read-models: the
    caseload, the partner links, the referral inbox; with the workers stopped); or make
    every pathway's as-of snapshots again (as-of: after a change of how events fold)."""
    from infra.indicators.postgres_projection import RebuildInProgress
    from workers.composition import Stores

    async def work(settings: Settings) -> None:
        if name not in PROJECTIONS:
            raise Refused("unknown_projection", f"no projection {name!r}; known: {PROJECTIONS}")
        async with _pool(settings) as pool:
            if name == "read-models":
                from activities.pathways.read_model_rebuild import rebuild_read_models

                rebuilt = await rebuild_read_models(Stores(settings, pool).events)
                typer.echo(f"{name}: {rebuilt} pathways rebuilt")
                return
            if name == "as-of":
                written = await Stores(settings, pool).events.as_of.rebuild()
                typer.echo(f"{name}: {written} snapshots written")
                return
            projector = Stores(settings, pool).indicator_projection
            try:
                count = await projector.rebuild()
            except RebuildInProgress as busy:
                raise Refused(busy.code, str(busy)) from None
            position = await projector.position()
        typer.echo(f"{name}: {count} events replayed, at position {position}")

    run_command(work)


def report(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="As known at this instant (ISO, UTC if no zone) or the end of this day "
            "(a date: in Italian time, as on the web's dashboard and downloads); "
            "not after today. Default: now.",
        ),
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Comma-separated dimensions: organisation_id (or organisation), gender, "
            "age_band, nationality, protection_status.",
        ),
    ] = "",
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Only this organisation's pathways.")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="FROM..TO (dates, inclusive, business time): facts that held during it.",
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="table, csv, xlsx, or html (the printable funder report).",
            case_sensitive=False,
        ),
    ] = "table",
    out: Annotated[
        Path | None,
        typer.Option("--output", "--out", help="File to write; stdout for table, csv and html."),
    ] = None,
    threshold: Annotated[
        int, typer.Option("--threshold", min=0, help="Suppress cells of fewer people.")
    ] = 5,
    language: Annotated[
        str, typer.Option("--language", help="it or en: headers, labels and notes.")
    ] = "it",
) -> None:
    """The FAMI indicator table as known at a date, by dimension; small cells suppressed.

    The projection is brought up to date first (idempotent, safe beside a running `up`).
    Targets (and, for html, the project's title and period) come from
    PATHWAYS_TARGETS_FILE, else the shipped file. A file is written whole or not at all.
    """
    from domain.indicators.table import to_text
    from web.reports.indicator_export import to_csv, write_xlsx
    from workers.composition import Stores
    from workers.envelopes import known_at
    from workers.invocation import configured_targets

    async def work(settings: Settings) -> None:
        kind = format.lower()
        if kind not in FORMATS:
            raise Refused("invalid_format", f"--format is table, csv, xlsx or html, not {format!r}")
        if kind == "xlsx" and out is None:
            raise Refused("invalid_options", "--format xlsx needs --output FILE")
        if language not in ("it", "en"):
            raise Refused("invalid_language", f"--language is it or en, not {language!r}")
        if kind == "html" and (by or period):
            raise Refused("invalid_options", "--format html takes no --by or --period")
        grant = configured_targets(settings)
        instant, day = _instant(as_of, known_at=known_at)
        dims = [_dimension(d) for d in by.split(",") if d.strip()]
        days = None if period is None else _period(period)
        async with _pool(settings) as pool:
            stores = Stores(settings, pool)
            await stores.indicator_projection.catch_up()
            queries = stores.indicators
            try:
                rows = await queries.indicator_table(
                    instant, by=dims, organisation_id=organisation, period=days
                )
                split = (
                    await queries.indicator_table(
                        instant, by=["organisation_id"], organisation_id=organisation
                    )
                    if kind == "html"
                    else []
                )
            except ValueError as err:
                raise Refused("invalid_options", str(err)) from None
            names = await _organisation_names(stores) if kind == "html" else {}
        lang: Language = "en" if language == "en" else "it"
        if kind == "html":
            from web.reports.funder_report import render_report, report_context

            text = render_report(
                report_context(
                    lang,
                    as_of=instant,
                    day=day,
                    totals=rows,
                    by_organisation=split,
                    organisations=names,
                    grant=grant,
                    threshold=threshold,
                    organisation_id=organisation,
                    targets_source=None
                    if settings.targets_file is None
                    else str(settings.targets_file),
                )
            )
        else:
            from web.reports.indicator_export import export_table

            table = export_table(
                rows,
                dims,
                threshold,
                instant,
                lang,
                organisation_id=organisation,
            )
            if kind == "xlsx":
                assert out is not None
                _write_whole(
                    out, lambda path: write_xlsx(path, table.header, table.cells, table.lines)
                )
                typer.echo(str(out))
                return
            writer = to_csv if kind == "csv" else to_text
            text = writer(table.header, table.cells, table.lines)
        if out is None:
            typer.echo(text, nl=False)
        else:
            _write_whole(out, lambda path: path.write_text(text, encoding="utf-8"))
            typer.echo(str(out))

    run_command(work)


FORMATS = ("table", "csv", "xlsx", "html")


def _instant(text: str | None, *, known_at: Callable[[str], datetime]) -> tuple[datetime, date]:
    """The instant the figures are known at, and its day (Italian time).

    A plain date is the end of that day in Italian time in every format, as on the web's
    dashboard, downloads and report: `--as-of D --format xlsx` is `/indicators.xlsx?as_of=D`.
    """
    from domain.calendar import project_day

    if text is None:
        instant = datetime.now(UTC)
        return instant, project_day(instant)
    instant = known_at(text)
    return instant, project_day(instant)


async def _organisation_names(stores: Stores) -> dict[str, str]:
    return {o.id: o.name for o in await stores.accounts.list_organisations()}


def _write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file beside `path`, then rename: never a half-written file.

    Raises:
        Refused: `unwritable_output` when the folder cannot take the file.
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise Refused("unwritable_output", f"cannot write {path}: {err.strerror or err}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _dimension(name: str) -> str:
    name = name.strip()
    return "organisation_id" if name == "organisation" else name


def _period(text: str) -> tuple[date, date]:
    start, sep, end = text.partition("..")
    try:
        if not sep:
            raise ValueError
        return date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        raise Refused("invalid_period", "--period is FROM..TO, two ISO dates") from None
