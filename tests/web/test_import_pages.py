"""`/team/import`: a supervisor downloads the template, checks a file (a dry run that lists
each problem by row and column and creates nothing), then applies it.

The pages read the file and start `BulkOperationWorkflow`; a worker on the dev server runs
it over the in-memory store. A file that cannot be imported is refused with its code, and
nothing starts.
"""

from __future__ import annotations

import io
import re

import httpx
import pytest
from openpyxl import load_workbook

from tests.imports.rows import cells, csv_of, xlsx_of
from tests.scenarios import OPEN
from tests.web.conftest import web_settings
from tests.web.staff import staffed_accounts
from tests.web.test_pages import sign_in
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness, dev_harness
from tests.workflows.journey import envelope
from workers.worker import build_worker

__all__ = ["dev_harness"]

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_supervisor_checks_a_file_then_opens_its_valid_rows(dev_harness: Harness) -> None:
    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    transport = httpx.ASGITransport(app=app)
    rows = [
        cells(1),
        cells(2, birth_date="31/02/1990", family_name='=HYPERLINK("http://x.example")'),
        cells(3, document_number="ab 000001"),
        cells(4, document_number="ps 1234567"),  # Amina Diallo's, open at org-nardo
        # Another document, but her name (in another order, without capitals) and birth day.
        cells(5, given_name="diallo", family_name="AMINA", birth_date="17/05/1994"),
    ]
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as sara,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as paolo,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as anna,
    ):
        elsewhere = {**OPEN, "pathway_id": f"nardo-{h.task_queue}", "organisation_id": "org-nardo"}
        await h.pathways.open(envelope(elsewhere))
        token = await sign_in(sara, "sara")
        form = await sara.get("/team/import")
        assert form.status_code == 200 and "/team/import/template.xlsx" in form.text
        template = await sara.get("/team/import/template.xlsx")
        book = load_workbook(io.BytesIO(template.content))
        assert book.sheetnames == ["Percorsi", "Istruzioni"]
        assert (await sara.get("/team/import/template.csv")).text.startswith('"Nome"')

        checked = await sara.post(
            "/team/import",
            data={"csrf_token": token, "organisation": "org-lecce"},
            files={"file": ("elenco.xlsx", xlsx_of(rows), XLSX)},
        )
        assert checked.status_code == 303, checked.text
        preview = await sara.get(checked.headers["location"])
        assert 'data-stage="done"' in preview.text
        assert preview.text.count('data-outcome="would_change"') == 1
        assert preview.text.count('data-outcome="would_refuse"') == 4
        assert "invalid_date" in preview.text and "duplicate_in_file" in preview.text
        # Already open elsewhere: the organisation to ask, nothing of the pathway.
        assert "duplicate_existing" in preview.text and "org-nardo" in preview.text
        assert "Diallo" not in preview.text and f"nardo-{h.task_queue}" not in preview.text
        problems = await sara.get(checked.headers["location"] + "/problems.csv")
        assert problems.status_code == 200
        assert '3,"birth_date","invalid_date"' in problems.text
        assert '4,"document_number","duplicate_in_file"' in problems.text
        assert '5,"document_number","duplicate_existing"' in problems.text
        assert '6,"family_name","duplicate_existing"' in problems.text
        assert len(await h.store.caseload.list_summaries(organisation_id="org-lecce")) == 0

        # Another organisation's supervisor finds nothing; a caseworker has no such page.
        await sign_in(paolo, "paolo")
        assert (await paolo.get(checked.headers["location"])).status_code == 404
        assert (await paolo.get(checked.headers["location"] + "/problems.csv")).status_code == 404
        await sign_in(anna, "anna")
        assert (await anna.get("/team/import")).status_code == 403

        action = re.search(r'action="(/team/bulk/[^"]+/apply)"', preview.text)
        assert action is not None
        applied = await sara.post(action.group(1), data={"csrf_token": token})
        assert applied.status_code == 303, applied.text
        result = await sara.get(applied.headers["location"])
        for _ in range(50):
            if 'data-stage="done"' in result.text:
                break
            result = await sara.get(applied.headers["location"])
        assert result.text.count('data-outcome="done"') == 1
        (opened,) = await h.store.caseload.list_summaries(organisation_id="org-lecce")
        assert opened.pathway_id.startswith("imp-") and opened.caseworker_id == "anna"


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (("elenco.pdf", b"%PDF-1.7\x00binary", "application/pdf"), "not_a_spreadsheet"),
        (("elenco.csv", b"nome;cognome\nAda;Obi\n", "text/csv"), "wrong_headers"),
        (("elenco.csv", csv_of([cells(n) for n in range(1, 4)]), "text/csv"), "too_many_rows"),
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
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as sara:
        token = await sign_in(sara, "sara")
        refused = await sara.post(
            "/team/import",
            data={"csrf_token": token, "organisation": "org-lecce"},
            files={"file": upload},
        )
        assert refused.status_code == 422
        assert f"<code>{code}</code>" in refused.text
    # No worker runs here: a dry run started would still be waiting for one.
    started = [w async for w in h.env.client.list_workflows(f"TaskQueue = '{h.task_queue}'")]
    assert started == []
