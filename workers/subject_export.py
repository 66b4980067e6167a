"""`pathways export-subject`: everything held about one person, for their access request.

Writes `<dir>/subject.json` (machine-readable) and `<dir>/subject.html` (readable, no
script, no external resource): the pathway's state folded from its events, every event
with its personal fields opened, the payments and their ledger rows, and the notifications
filed about the pathway. Written into a hidden directory renamed into place at the end, so
a failure leaves no half-written export.

The export is a read of personal data: it is recorded in the access log (who, with the
purpose `subject_access`, channel `cli`) before anything is written, and the one who runs it
must name their account (`--actor`), whose role goes in the entry.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from infra.config import Settings
from workers.failures import Refused
from workers.invocation import run_command

OUTPUT_EXISTS = "output_exists"


def export_subject(
    pathway_id: Annotated[str, typer.Argument(help="The pathway's id.", show_default=False)],
    output: Annotated[
        Path | None,
        typer.Option("--output", help="Directory to create. Default: ./subject-<pathway id>."),
    ] = None,
    actor: Annotated[
        str,
        typer.Option(
            "--actor",
            envvar="PATHWAYS_ACTOR",
            help="Your account id: the export is recorded in the access log under it.",
        ),
    ] = "",
) -> None:
    """Export everything held about the person of one pathway (JSON and HTML)."""
    from activities.pathways.subject_access import SubjectAccessService
    from domain.stream import stream_id_for
    from domain.values import Actor, Role
    from infra.access_log.model import Channel, Purpose
    from workers.endpoints import database_stores

    target = (output or Path(f"subject-{pathway_id}")).absolute()

    async def work(settings: Settings) -> None:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise Refused(OUTPUT_EXISTS, f"{target} exists and is not empty", "--output")
        if not actor:
            raise Refused("actor_required", "name your account with --actor", "--actor")
        async with database_stores(settings) as stores:
            exporter = SubjectAccessService(stores.events, stores.pool)
            if not await stores.events.read_stream(stream_id_for(pathway_id)):
                raise Refused("pathway_not_found", "no pathway has been opened with this id")
            async with stores.pool.connection() as conn:
                cur = await conn.execute(
                    "SELECT role FROM accounts WHERE account_id = %s AND active", (actor,)
                )
                account = await cur.fetchone()
            if account is None:
                raise Refused("account_not_found", f"no active account {actor!r}", "--actor")
            await stores.access_log.record(
                Actor(id=actor, role=Role(account[0])),
                pathway_id,
                "export_subject",
                Purpose.SUBJECT_ACCESS,
                Channel.CLI,
                detail=str(target),
            )
            document = await exporter.document(pathway_id, datetime.now(UTC))
        assert document is not None  # its stream was read above
        _write(target, document)
        typer.echo(f"exported pathway {pathway_id} to {target}")

    run_command(work)


def _write(target: Path, document: dict[str, Any]) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True, mode=0o700)
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    (partial / "subject.json").write_text(text + "\n")
    (partial / "subject.html").write_text(_html(document))
    if target.exists():
        target.rmdir()  # empty, checked before
    os.replace(partial, target)


def _html(document: dict[str, Any]) -> str:
    def section(title: str, value: Any) -> str:
        body = html.escape(json.dumps(value, indent=2, ensure_ascii=False, default=str))
        return f"<h2>{html.escape(title)}</h2>\n<pre>{body}</pre>\n"

    events = "".join(
        f"<tr><td>{e['version']}</td><td>{html.escape(e['type'])}</td>"
        f"<td>{html.escape(e['occurred_at'])}</td><td>{html.escape(e['actor']['id'])}</td>"
        f"<td><pre>{html.escape(json.dumps(e['data'], indent=1, ensure_ascii=False))}</pre>"
        f"{'<em>erased: ' + html.escape(', '.join(e['erased'])) + '</em>' if e['erased'] else ''}"
        "</td></tr>\n"
        for e in document["events"]
    )
    pid = html.escape(document["pathway_id"])
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Personal data held: pathway {pid}</title>"
        "<style>body{font-family:sans-serif;margin:2em}pre{white-space:pre-wrap}"
        "td{vertical-align:top;border-top:1px solid #ccc;padding:.3em}</style></head><body>\n"
        f"<h1>Personal data held about the person of pathway {pid}</h1>\n"
        f"<p>Exported {html.escape(document['exported_at'])}.</p>\n"
        + section("Current state", document["state"])
        + "<h2>Events</h2>\n<table><tr><th>#</th><th>What</th><th>When</th><th>By</th>"
        "<th>Recorded</th></tr>\n"
        + events
        + "</table>\n"
        + section("Payments", document["payments"])
        + section("Notifications", document["notifications"])
        + "</body></html>\n"
    )
