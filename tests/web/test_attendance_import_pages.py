"""`/team/import/attendance`: a caseworker downloads the template, checks a monthly sheet (a
dry run that lists each problem by row and column and records nothing), then applies it;
applied again, or checked and applied again, it records nothing more.

The pages read the file and start `BulkOperationWorkflow`; a worker on the dev server runs
it over the in-memory store. A file that cannot be imported is refused with its code, and
nothing starts. Another organisation's people find neither the operation nor its pathways.
"""

from __future__ import annotations

import io
import re
import uuid

import httpx
import pytest
from openpyxl import load_workbook

from domain.measures.training_course import CourseAttendance
from domain.measures.work_grant import WorkGrantAttendance
from tests.imports.attendance import line, months_ago, running, sheet_csv, sheet_xlsx
from tests.imports.rows import cells, csv_of
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness, dev_harness
from workers.worker import build_worker

__all__ = ["dev_harness"]

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = "/team/import/attendance"


async def _done(client: httpx.AsyncClient, location: str) -> str:
    page = await client.get(location)
    for _ in range(50):
        if 'data-stage="done"' in page.text:
            break
        page = await client.get(location)
    return page.text


async def test_a_caseworker_checks_a_sheet_then_records_its_valid_rows_once(
    dev_harness: Harness,
) -> None:
    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    transport = httpx.ASGITransport(app=app)
    mine, other, lucas = (str(uuid.uuid4()) for _ in range(3))
    two, one = months_ago(2), months_ago(1)
    rows = [
        line(mine[:8], "Borsa lavoro (1)", two, 60),
        line(mine, "Borsa lavoro (tirocinio) (1)", one, 70, note="ferie il 15"),
        line(mine[:8] + "…", "Corso di formazione (1)", one, 12),
        line(other[:8], "work_grant-1", one, 95),  # more than 20 hours a week allow
        line(lucas[:8], "work_grant-1", one, 10),  # luca's: not hers
        line(mine[:8], "work_grant-1", two, 61),  # the same month again
        line(other[:8], "training_course-1", one, "=SUM(1,2)"),
        line(other[:8], "work_grant-1", "maggio", 10),
        line("nobody00", "work_grant-1", one, 10),
    ]
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as anna,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as paolo,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as aldo,
    ):
        for pathway_id, caseworker in ((mine, "anna"), (other, "anna"), (lucas, "luca")):
            first, *rest = running(pathway_id, caseworker)
            await h.pathways.open(first)
            for command in rest:
                await h.pathways.send(pathway_id, command)
        token = await sign_in(anna, "anna")
        assert PAGE in (await anna.get("/caseload")).text
        form = await anna.get(PAGE)
        assert form.status_code == 200 and f"{PAGE}/template.xlsx" in form.text
        template = await anna.get(f"{PAGE}/template.xlsx")
        assert load_workbook(io.BytesIO(template.content)).sheetnames == ["Presenze", "Istruzioni"]
        assert (await anna.get(f"{PAGE}/template.csv")).text.startswith('"Percorso","Misura"')

        checked = await anna.post(
            PAGE,
            data={"csrf_token": token, "organisation": "org-lecce"},
            files={"file": ("presenze.xlsx", sheet_xlsx(rows), XLSX)},
        )
        assert checked.status_code == 303, checked.text
        preview = await _done(anna, checked.headers["location"])
        assert preview.count('data-outcome="would_change"') == 3
        assert preview.count('data-outcome="would_refuse"') == 6
        problems = (await anna.get(checked.headers["location"] + "/problems.csv")).text
        for expected in (
            '5,"hours","hours_exceeded"',
            '6,"pathway_code","not_found"',
            '7,"month","duplicate_in_file"',
            '8,"hours","invalid_number"',
            '9,"month","invalid_month"',
            '10,"pathway_code","not_found"',
        ):
            assert expected in problems
        state = await h.pathways.state(mine)
        assert state.measures["work_grant-1"].progress == (), "a dry run records nothing"

        # Another organisation's supervisor finds nothing; an auditor has no such page.
        await sign_in(paolo, "paolo")
        assert (await paolo.get(checked.headers["location"])).status_code == 404
        assert (await paolo.get(checked.headers["location"] + "/problems.csv")).status_code == 404
        await sign_in(aldo, "aldo")
        assert (await aldo.get(PAGE)).status_code == 403

        action = re.search(r'action="(/team/bulk/[^"]+/apply)"', preview)
        assert action is not None
        applied = await anna.post(action.group(1), data={"csrf_token": token})
        assert applied.status_code == 303, applied.text
        result = await _done(anna, applied.headers["location"])
        assert result.count('data-outcome="done"') == 3
        again = await anna.post(action.group(1), data={"csrf_token": token})
        assert again.headers["location"] == applied.headers["location"]

        # The same sheet checked again: every row is recorded already, so none would be.
        rechecked = await anna.post(
            PAGE,
            data={"csrf_token": token, "organisation": "org-lecce"},
            files={"file": ("presenze.xlsx", sheet_xlsx(rows), XLSX)},
        )
        assert 'data-outcome="would_change"' not in await _done(anna, rechecked.headers["location"])

        measures = (await h.pathways.state(mine)).measures
        # By month: the rows of a sheet are applied as steps that may finish in any order.
        hours = sorted(
            (a.month, a.hours_verified)
            for a in measures["work_grant-1"].progress_of(WorkGrantAttendance)
        )
        assert hours == sorted([(two, 60), (one, 70)])
        assert [a.hours for a in measures["training_course-1"].progress_of(CourseAttendance)] == [
            12
        ]
        assert (await h.pathways.state(other)).measures["work_grant-1"].progress == ()


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (("presenze.pdf", b"%PDF-1.7\x00binary", "application/pdf"), "not_a_spreadsheet"),
        (("presenze.csv", csv_of([cells(1)]), "text/csv"), "wrong_headers"),  # a caseload's
        (
            ("presenze.csv", sheet_csv([line("x", "y", "2026-01", 1)] * 3), "text/csv"),
            "too_many_rows",
        ),
        (("", b"", "text/csv"), "missing_field"),
    ],
)
async def test_a_file_that_cannot_be_imported_is_refused_and_nothing_starts(
    dev_harness: Harness, upload: tuple[str, bytes, str], code: str
) -> None:
    h = dev_harness
    app = create_test_app(
        h.pathways, h.store, await staffed_accounts(), web_settings(import_max_rows=2)
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anna:
        token = await sign_in(anna, "anna")
        refused = await anna.post(
            PAGE, data={"csrf_token": token, "organisation": "org-lecce"}, files={"file": upload}
        )
        assert refused.status_code == 422
        assert f"<code>{code}</code>" in refused.text
        # A caseworker imports into her own organisation only.
        elsewhere = await anna.post(
            PAGE,
            data={"csrf_token": token, "organisation": "org-nardo"},
            files={"file": ("p.csv", sheet_csv([line("x", "y", "2026-01", 1)]), "text/csv")},
        )
        assert elsewhere.status_code == 404
    started = [w async for w in h.env.client.list_workflows(f"TaskQueue = '{h.task_queue}'")]
    assert started == []
