"""`pathways report` end to end: the CSV and the XLSX of one database carry the same numbers."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from openpyxl import load_workbook
from typer.testing import CliRunner

from domain.indicators import CATALOGUE
from infra.crypto.master import MasterKey
from infra.db import open_pool
from infra.eventstore.postgres import PostgresEventStore
from tests.indicators.caseloads import append_all, history, opening
from tests.indicators.test_projector import caseload, trimmed
from tests.scenarios import ASSESSMENT, CASEWORKER, CONDITION
from workers.cli import app


def test_report_csv_and_xlsx_agree(database: str, tmp_path: Path) -> None:
    async def seed() -> None:
        pool = await open_pool(database, 1, 2)
        try:
            await caseload(pool)
        finally:
            await pool.close()

    asyncio.run(seed())
    env = {
        "PATHWAYS_DATABASE_URL": database,
        "PATHWAYS_DATA_DIR": str(tmp_path),
        # The projector seals its state snapshots with the pathways' keys.
        "PATHWAYS_MASTER_KEY": MasterKey.generate().to_base64(),
    }
    runner = CliRunner()
    args = ["report", "--as-of", "2026-04-01", "--by", "organisation,gender", "--threshold", "2"]
    as_csv = runner.invoke(app, [*args, "--format", "csv"], env=env)
    assert as_csv.exit_code == 0, as_csv.output
    out = tmp_path / "report.xlsx"
    as_xlsx = runner.invoke(app, [*args, "--format", "xlsx", "--out", str(out)], env=env)
    assert as_xlsx.exit_code == 0, as_xlsx.output
    sheet = load_workbook(out).active
    assert sheet is not None
    from_xlsx = [
        ["" if v is None else str(v) for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    from_csv = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert [trimmed(r) for r in from_csv if r] == [trimmed(r) for r in from_xlsx if any(r)]
    assert from_csv[0][:3] == ["Organizzazione", "Genere", "Indicatore"]
    skills = [r for r in from_csv[1:] if len(r) > 2 and r[2] == "skills_assessed"]
    assert {(r[0], r[1]) for r in skills} >= {("org-lecce", "female"), ("org-bari", "female")}
    bad = runner.invoke(app, [*args, "--by", "shoe_size"], env=env)
    assert bad.exit_code == 2


def seeded(database: str) -> None:
    async def seed() -> None:
        pool = await open_pool(database, 1, 2)
        try:
            await caseload(pool)
        finally:
            await pool.close()

    asyncio.run(seed())


def test_report_html_is_the_funder_report_with_every_indicator_and_a_filters_check(
    database: str, tmp_path: Path
) -> None:
    seeded(database)
    env = {
        "PATHWAYS_DATABASE_URL": database,
        "PATHWAYS_DATA_DIR": str(tmp_path),
        "PATHWAYS_MASTER_KEY": MasterKey.generate().to_base64(),
    }
    runner = CliRunner()
    out = tmp_path / "report.html"
    args = ["report", "--as-of", "2026-04-01", "--format", "html"]
    written = runner.invoke(app, [*args, "--output", str(out)], env=env)
    assert written.exit_code == 0, written.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "size: A4" in page
    for indicator in CATALOGUE:
        assert f'id="row-{indicator.indicator_id}"' in page
    # 2 people assessed: fewer than 5, so the report (which leaves the project) hides it.
    assert re.search(r'id="row-skills_assessed">.*?data-value>–<', page, re.DOTALL)
    assert "almeno 300" in page
    shown = runner.invoke(app, [*args, "--threshold", "1", "--language", "en"], env=env)
    assert shown.exit_code == 0, shown.output
    assert re.search(r'id="row-skills_assessed">.*?data-value>2<', shown.stdout, re.DOTALL)
    assert "at least 300" in shown.stdout and "Indicator report for the funder" in shown.stdout


def test_the_targets_file_setting_and_refusals_write_nothing(database: str, tmp_path: Path) -> None:
    seeded(database)
    targets = tmp_path / "grant.toml"
    targets.write_text('[project]\ntitle = "Grant X"\n\n[skills_assessed]\nvalue = 42\n')
    env = {
        "PATHWAYS_DATABASE_URL": database,
        "PATHWAYS_DATA_DIR": str(tmp_path),
        "PATHWAYS_TARGETS_FILE": str(targets),
        "PATHWAYS_MASTER_KEY": MasterKey.generate().to_base64(),
    }
    runner = CliRunner()
    out = tmp_path / "report.html"
    args = ["report", "--as-of", "2026-04-01", "--format", "html", "--output", str(out)]
    assert runner.invoke(app, args, env=env).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "Grant X" in page and "almeno 42" in page and str(targets) in page

    out.write_text("the previous report")
    targets.write_text("[skills_assessed]\nvalue = 42\n\n[work_grants]\nvalue = 1\n")
    for command in (args, ["web"]):
        broken = runner.invoke(app, command, env=env)
        assert broken.exit_code == 2, broken.output
        assert "invalid_targets" in broken.stderr
        assert (
            f"{targets}, line 4" in broken.stderr and "did you mean 'work_grant'" in broken.stderr
        )
    assert out.read_text() == "the previous report", "a refusal leaves the file alone"

    del env["PATHWAYS_TARGETS_FILE"]
    for bad, code in (
        (["--language", "fr"], "invalid_language"),
        (["--format", "pdf"], "invalid_format"),
        (["--by", "gender"], "invalid_options"),
        (["--as-of", "2100-01-01"], "as_of_in_future"),
        (["--as-of", "2100-01-01T00:00:00Z"], "as_of_in_future"),
    ):
        refused = runner.invoke(app, [*args, *bad], env=env)
        assert refused.exit_code == 2 and code in refused.stderr, refused.output
    assert out.read_text() == "the previous report"
    nowhere = tmp_path / "missing" / "report.xlsx"
    refused = runner.invoke(app, ["report", "--format", "xlsx", "--output", str(nowhere)], env=env)
    assert refused.exit_code == 2 and "unwritable_output" in refused.stderr, refused.output
    assert not nowhere.parent.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def test_projections_rebuild_replays_into_new_tables_and_refuses_an_unknown_name(
    database: str, tmp_path: Path
) -> None:
    async def seed() -> int:
        pool = await open_pool(database, 1, 2)
        try:
            return len(await caseload(pool))
        finally:
            await pool.close()

    events = asyncio.run(seed())
    env = {
        "PATHWAYS_DATABASE_URL": database,
        "PATHWAYS_DATA_DIR": str(tmp_path),
        "PATHWAYS_MASTER_KEY": MasterKey.generate().to_base64(),
    }
    runner = CliRunner()
    for _ in range(2):  # the second rebuild starts from the tables the first swapped in
        done = runner.invoke(app, ["projections", "rebuild"], env=env)
        assert done.exit_code == 0, done.output
        assert f"indicators: {events} events replayed" in done.stdout
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute("DELETE FROM search_tokens")  # as before migration 0018
    models = runner.invoke(app, ["projections", "rebuild", "--name", "read-models"], env=env)
    assert models.exit_code == 0, models.output
    assert "read-models:" in models.stdout and "pathways rebuilt" in models.stdout
    with psycopg.connect(database, autocommit=True) as conn:
        indexed = conn.execute("SELECT count(DISTINCT pathway_id) FROM search_tokens").fetchone()
        pathways = conn.execute("SELECT count(*) FROM pathway_summaries").fetchone()
    assert indexed == pathways and pathways is not None and pathways[0] > 0, "search index rebuilt"
    every = {**env, "PATHWAYS_AS_OF_SNAPSHOT_EVERY": "2"}
    snapshots = runner.invoke(app, ["projections", "rebuild", "--name", "as-of"], env=every)
    assert snapshots.exit_code == 0, snapshots.output
    with psycopg.connect(database, autocommit=True) as conn:
        written = conn.execute("SELECT count(*) FROM as_of_snapshots").fetchone()
    assert written is not None and written[0] > 0
    assert f"as-of: {written[0]} snapshots written" in snapshots.stdout
    unknown = runner.invoke(app, ["projections", "rebuild", "--name", "ledger"], env=env)
    assert unknown.exit_code != 0
    assert "unknown_projection" in unknown.output
    with psycopg.connect(database, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtext('rebuild:indicators'))")
        busy = runner.invoke(app, ["projections", "rebuild"], env=env)
    assert busy.exit_code == 2, busy.output
    assert "rebuild_in_progress" in busy.stderr and busy.stdout == ""


def test_a_plain_date_is_the_end_of_that_day_in_italian_time_in_every_format(
    database: str, tmp_path: Path
) -> None:
    """`--as-of 2026-04-01` is what the web's dashboard and downloads of that day show: an
    assessment recorded at 23:00 UTC (1 a.m. of 2 April in Italy) is not in it, whatever the
    format."""

    async def seed() -> None:
        pool = await open_pool(database, 1, 2)
        try:
            late = history(
                "p-late",
                [
                    (opening("p-late", "org-lecce", "female"), CASEWORKER, 0, 0),
                    ({"type": "record_baseline", "condition": CONDITION}, CASEWORKER, 0, 0),
                    (ASSESSMENT, CASEWORKER, 1, 0),
                ],
                start=datetime(2026, 4, 1, 21, 59, tzinfo=UTC),
            )
            await append_all(PostgresEventStore(pool), late)
        finally:
            await pool.close()

    asyncio.run(seed())
    env = {
        "PATHWAYS_DATABASE_URL": database,
        "PATHWAYS_DATA_DIR": str(tmp_path),
        "PATHWAYS_MASTER_KEY": MasterKey.generate().to_base64(),
    }
    runner = CliRunner()
    for day, assessed in (("2026-04-01", "0"), ("2026-04-02", "1")):
        args = ["report", "--as-of", day, "--threshold", "0", "--format", "csv"]
        ran = runner.invoke(app, args, env=env)
        assert ran.exit_code == 0, ran.output
        rows = list(csv.reader(io.StringIO(ran.stdout)))
        (skills,) = [r for r in rows if r and r[0] == "skills_assessed"]
        assert skills[4:6] == [assessed, assessed], (day, skills)
        assert f"{day}T23:59:59+02:00" in ran.stdout, ran.stdout
