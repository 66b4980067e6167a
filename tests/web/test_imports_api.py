"""`/api/v1/imports`: an attendance sheet checked, followed and applied once through the API,
and every file or caller it refuses answered as problem+json with its code, nothing started.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.imports.attendance import line, months_ago, running, sheet_csv, sheet_xlsx
from tests.imports.rows import cells, csv_of
from tests.web.conftest import web_settings
from tests.web.staff import bearer, staffed_accounts
from tests.web_app import create_test_app
from tests.workflows.conftest import Harness, dev_harness
from workers.worker import build_worker

__all__ = ["dev_harness"]

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTENDANCE = "/api/v1/imports/attendance"


async def test_an_attendance_sheet_is_checked_then_applied_once(dev_harness: Harness) -> None:
    h = dev_harness
    accounts = await staffed_accounts()
    app = create_test_app(h.pathways, h.store, accounts, web_settings())
    mine = str(uuid.uuid4())
    rows = [
        line(mine[:8], "Borsa lavoro (1)", months_ago(1), 60),
        line(mine[:8], "Borsa lavoro (1)", "2026-13", 60),
    ]
    async with (
        build_worker(h.env.client, h.store, h.task_queue, accounts=accounts),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as api,
    ):
        first, *rest = running(mine)
        await h.pathways.open(first)
        for command in rest:
            await h.pathways.send(mine, command)
        started = await api.post(
            ATTENDANCE,
            data={"organisation_id": "org-lecce"},
            files={"file": ("presenze.xlsx", sheet_xlsx(rows), XLSX)},
            headers=bearer("anna"),
        )
        assert started.status_code == 202, started.text
        dry_run = started.json()["operation_id"]
        report = (await api.get(f"{ATTENDANCE}/{dry_run}", headers=bearer("anna"))).json()
        for _ in range(50):
            if report["stage"] == "done":
                break
            report = (await api.get(f"{ATTENDANCE}/{dry_run}", headers=bearer("anna"))).json()
        assert report["kind"] == "attendance" and report["dry_run"] is True
        assert [(r["row"], r["outcome"]) for r in report["rows"]] == [
            (2, "would_change"),
            (3, "would_refuse"),
        ]
        assert report["rows"][1]["problems"][0] == {
            "column": "month",
            "code": "invalid_month",
            "message": "'2026-13' is not a month (2026-03)",
        }
        wrong_kind = await api.get(f"/api/v1/imports/caseload/{dry_run}", headers=bearer("sara"))
        assert wrong_kind.status_code == 404
        elsewhere = await api.get(f"{ATTENDANCE}/{dry_run}", headers=bearer("paolo"))
        assert elsewhere.status_code == 404
        assert elsewhere.headers["content-type"] == "application/problem+json"

        applied = await api.post(f"{ATTENDANCE}/{dry_run}/apply", headers=bearer("anna"))
        assert applied.status_code == 202, applied.text
        again = await api.post(f"{ATTENDANCE}/{dry_run}/apply", headers=bearer("anna"))
        # Asked again: the same application (200 once it has finished, 202 while it runs).
        assert again.json()["operation_id"] == applied.json()["operation_id"]
        done = applied.json()["operation_id"]
        report = (await api.get(f"{ATTENDANCE}/{done}", headers=bearer("anna"))).json()
        for _ in range(50):
            if report["stage"] == "done":
                break
            report = (await api.get(f"{ATTENDANCE}/{done}", headers=bearer("anna"))).json()
        assert [(r["row"], r["outcome"]) for r in report["rows"]] == [(2, "done")]
        assert len((await h.pathways.state(mine)).measures["work_grant-1"].progress) == 1


ONE = ("p.csv", sheet_csv([line("abcd1234", "work_grant-1", "2026-01", 1)]), "text/csv")
THREE = ("p.csv", sheet_csv([line("abcd1234", "work_grant-1", "2026-01", 1)] * 3), "text/csv")
CASELOAD = ("p.csv", csv_of([cells(1)]), "text/csv")


@pytest.mark.parametrize(
    ("who", "path", "upload", "organisation", "status", "code"),
    [
        ("anna", ATTENDANCE, ("p.pdf", b"%PDF-1.7\x00x", "application/pdf"), "org-lecce", 422,
         "not_a_spreadsheet"),
        ("anna", ATTENDANCE, CASELOAD, "org-lecce", 422, "wrong_headers"),
        ("anna", ATTENDANCE, THREE, "org-lecce", 422, "too_many_rows"),
        ("anna", ATTENDANCE, ("p.csv", b"x" * 2000, "text/csv"), "org-lecce", 413,
         "file_too_large"),
        ("anna", ATTENDANCE, ONE, "org-nardo", 404, "not_found"),
        ("aldo", ATTENDANCE, ONE, "org-lecce", 403, "forbidden"),
        ("anna", "/api/v1/imports/caseload", CASELOAD, "org-lecce", 403, "forbidden"),
        ("cora", ATTENDANCE, ONE, "org-none", 404, "not_found"),
    ],
)  # fmt: skip
async def test_a_file_or_caller_refused_is_a_problem_and_nothing_starts(
    dev_harness: Harness,
    who: str,
    path: str,
    upload: tuple[str, bytes, str],
    organisation: str,
    status: int,
    code: str,
) -> None:
    h = dev_harness
    settings = web_settings(import_max_rows=2, import_max_bytes=1000)
    app = create_test_app(h.pathways, h.store, await staffed_accounts(), settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as api:
        refused = await api.post(
            path,
            data={"organisation_id": organisation},
            files={"file": upload},
            headers=bearer(who),
        )
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == code
    started = [w async for w in h.env.client.list_workflows(f"TaskQueue = '{h.task_queue}'")]
    assert started == []
