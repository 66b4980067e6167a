"""`pathways report` end to end: the CSV and the XLSX of one database carry the same numbers."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from infra.crypto.master import MasterKey
from infra.db import open_pool
from tests.indicators.test_projector import caseload, trimmed
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
    assert from_csv[0][:2] == ["organisation_id", "gender"]
    skills = [r for r in from_csv[1:] if len(r) > 2 and r[2] == "skills_assessed"]
    assert {(r[0], r[1]) for r in skills} >= {("org-lecce", "female"), ("org-bari", "female")}
    bad = runner.invoke(app, [*args, "--by", "shoe_size"], env=env)
    assert bad.exit_code == 2
