"""`pathways report` and `pathways projections rebuild`: the FAMI indicators on the command line."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from infra.config import Settings
from workers.failures import Refused, Unavailable
from workers.invocation import run_command

if TYPE_CHECKING:
    from infra.db import Pool

projections_app = typer.Typer(
    name="projections",
    help="Projections kept from the events: rebuild them from position 0.",
    no_args_is_help=True,
)

PROJECTIONS = ("indicators",)


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
    """Drop a projection and replay every event into it from position 0."""
    from infra.indicators.projector import IndicatorProjector
    from workers.keys import sealer_on

    async def work(settings: Settings) -> None:
        if name not in PROJECTIONS:
            raise Refused("unknown_projection", f"no projection {name!r}; known: {PROJECTIONS}")
        async with _pool(settings) as pool:
            projector = IndicatorProjector(pool, sealer=sealer_on(settings, pool))
            count = await projector.rebuild()
            position = await projector.position()
        typer.echo(f"{name}: {count} events replayed, at position {position}")

    run_command(work)


def report(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="As known at this instant (ISO, UTC if no zone) or the end of this day "
            "(a date, UTC). Default: now.",
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
        str, typer.Option("--format", help="table, csv or xlsx.", case_sensitive=False)
    ] = "table",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write; stdout for table and csv.")
    ] = None,
    threshold: Annotated[
        int, typer.Option("--threshold", min=0, help="Suppress cells of fewer people.")
    ] = 5,
) -> None:
    """The FAMI indicator table as known at a date, by dimension; small cells suppressed.

    The projection is brought up to date first (idempotent, safe beside a running `up`).
    """
    from infra.indicators.export import notes, table_cells, to_csv, to_text, write_xlsx
    from infra.indicators.projector import IndicatorProjector
    from infra.indicators.queries import IndicatorQueries
    from workers.envelopes import known_at
    from workers.keys import sealer_on

    async def work(settings: Settings) -> None:
        kind = format.lower()
        if kind not in ("table", "csv", "xlsx"):
            raise Refused("invalid_format", f"--format is table, csv or xlsx, not {format!r}")
        if kind == "xlsx" and out is None:
            raise Refused("invalid_options", "--format xlsx needs --out FILE")
        instant = datetime.now(UTC) if as_of is None else known_at(as_of)
        dims = [_dimension(d) for d in by.split(",") if d.strip()]
        days = None if period is None else _period(period)
        async with _pool(settings) as pool:
            await IndicatorProjector(pool, sealer=sealer_on(settings, pool)).catch_up()
            try:
                rows = await IndicatorQueries(pool).indicator_table(
                    instant, by=dims, organisation_id=organisation, period=days
                )
            except ValueError as err:
                raise Refused("invalid_options", str(err)) from None
        header, cells, suppressed = table_cells(rows, dims, threshold)
        lines = notes(instant, threshold, suppressed)
        if kind == "xlsx":
            assert out is not None
            write_xlsx(out, header, cells, lines)
            typer.echo(str(out))
            return
        text = to_csv(header, cells, lines) if kind == "csv" else to_text(header, cells, lines)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            typer.echo(str(out))

    run_command(work)


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
