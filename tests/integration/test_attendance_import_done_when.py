"""Issue 24's monthly attendance sheets, on the real stack: a sheet of 30 rows (4 with
problems) over ten pathways gives its row-level report through `pathways attendance import
--dry-run`, records the 26 valid rows' hours once through `--apply`, and applying it again,
or checking and applying the same sheet again, records nothing more.

On the dev server and PostgreSQL, with the caseload import's fixtures (a module's servers,
the CLI run in process).
"""

from __future__ import annotations

import re
import uuid

import pytest

from client.pathway import PathwayClient
from tests.imports.attendance import line, months_ago, running, sheet_xlsx
from tests.integration.test_caseload_cli import Operator, database, operator, postgres
from workers.worker import build_worker

__all__ = ["database", "operator", "postgres"]

pytestmark = pytest.mark.integration


async def recorded(o: Operator) -> int:
    async with o.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT count(*) FROM events WHERE type = 'MeasureProgressRecorded'"
        )
        (count,) = await cur.fetchone() or (0,)
    return int(count)


async def test_a_sheet_of_30_rows_reports_its_problems_then_records_26_once(
    operator: Operator,
) -> None:
    o = operator
    pathways = PathwayClient(o.client, o.queue, o.store)
    ids = [str(uuid.uuid4()) for _ in range(10)]
    two, one = months_ago(2), months_ago(1)
    rows = []
    for n, pathway_id in enumerate(ids):
        code = pathway_id[:8]
        rows += [
            line(code, "Borsa lavoro (1)", two, 40 + n),
            line(code, "Borsa lavoro (1)", one, 50 + n),
            line(code, "Corso di formazione (1)", one, 5 + n),
        ]
    rows[3 * 3 + 1]["hours"] = "120"  # more than 20 hours a week allow
    rows[3 * 5 + 2]["month"] = "13/2026"
    rows[3 * 7 + 0]["pathway_code"] = "zzzzzzzz"
    rows[3 * 9 + 1]["month"] = two  # row 29: the month of row 28 again
    (o.workdir / "presenze.xlsx").write_bytes(sheet_xlsx(rows))
    async with build_worker(o.client, o.store, o.queue, accounts=o.accounts):
        for pathway_id in ids:
            first, *rest = running(pathway_id)
            await pathways.open(first)
            for command in rest:
                await pathways.send(pathway_id, command)
        dry = await o.here(
            "attendance", "import", str(o.workdir / "presenze.xlsx"),
            "--organisation", "org-lecce", "--dry-run", "--actor", "anna",
        )  # fmt: skip
        assert dry.code == 0, dry.stderr
        problems = re.findall(r"^row (\d+): (\w+): (\w+):", dry.stdout, re.MULTILINE)
        assert sorted(problems) == sorted(
            [
                ("12", "hours", "hours_exceeded"),
                ("19", "month", "invalid_month"),
                ("23", "pathway_code", "not_found"),
                ("30", "month", "duplicate_in_file"),
            ]
        )
        assert "30 rows: 26 would be recorded, 4 with problems" in dry.stdout
        assert await recorded(o) == 0, "a dry run records nothing"
        (dry_run_id,) = re.findall(r"dry run (bulk-\w+)", dry.stdout)

        applied = await o.here("attendance", "import", "--apply", dry_run_id, "--actor", "anna")
        assert applied.code == 0, applied.stderr
        assert f"26 rows: 26 recorded, 0 refused ({dry_run_id}-apply)" in applied.stdout
        assert await recorded(o) == 26

        again = await o.here("attendance", "import", "--apply", dry_run_id, "--actor", "anna")
        assert again.code == 0 and "already applied" in again.stderr
        checked = await o.here(
            "attendance", "import", str(o.workdir / "presenze.xlsx"),
            "--organisation", "org-lecce", "--dry-run", "--actor", "anna",
        )  # fmt: skip
        assert "30 rows: 0 would be recorded, 30 with problems" in checked.stdout
        # luca is no caseworker of these pathways: to him they are not there.
        luca = await o.here(
            "attendance", "import", str(o.workdir / "presenze.xlsx"),
            "--organisation", "org-lecce", "--dry-run", "--actor", "luca",
        )  # fmt: skip
        assert set(re.findall(r"^row \d+: pathway_code: (\w+):", luca.stdout, re.M)) == {
            "not_found"
        }
    assert await recorded(o) == 26
