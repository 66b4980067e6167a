"""Pathways with a work grant and a course running, and attendance sheets of them, for the
attendance import's tests (dated from today: the servers' clock is the real one)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.calendar import add_months, month_key, project_day
from domain.commands import CommandEnvelope
from domain.imports.attendance import ATTENDANCE_COLUMNS
from domain.values import Actor
from infra.spreadsheets import Cell, Sheet, csv_text, xlsx_bytes
from tests.scenarios import ASSESSMENT, CASEWORKER, CONDITION, OPEN, SUPERVISOR
from tests.workflows.journey import envelope

COLUMNS = [(c.key, c.header) for c in ATTENDANCE_COLUMNS]


def today() -> date:
    return project_day(datetime.now(UTC))


def months_ago(n: int) -> str:
    """`YYYY-MM` of the month `n` months before this one."""
    return month_key(add_months(today().replace(day=1), -n))


def running(pathway_id: str, caseworker: str = "anna") -> list[CommandEnvelope]:
    """The commands that open `pathway_id` (anna's, at org-lecce, unless said) and start its
    work grant (`work_grant-1`, 20 hours a week, from three months ago) and its course
    (`training_course-1`, 100 hours planned)."""
    start = add_months(today().replace(day=1), -3)
    target = (today() + timedelta(days=200)).isoformat()
    doer = CASEWORKER if caseworker == "anna" else Actor(id=caseworker, role=CASEWORKER.role)
    commands: list[tuple[dict[str, Any], Actor]] = [
        ({"type": "record_baseline", "condition": CONDITION}, doer),
        (ASSESSMENT, doer),
        (
            {
                "type": "propose_plan",
                "measures": [
                    {"measure_id": "work_grant-1", "kind": "work_grant", "target_date": target},
                    {
                        "measure_id": "training_course-1",
                        "kind": "training_course",
                        "target_date": target,
                    },
                ],
            },
            doer,
        ),
        ({"type": "approve_plan"}, SUPERVISOR),
        (
            {
                "type": "start_measure",
                "measure_id": "work_grant-1",
                "details": {
                    "kind": "work_grant",
                    "host_company": "Sartoria Salentina",
                    "tutor": "G. Rizzo",
                    "start_on": start.isoformat(),
                    "end_on": (add_months(start, 6) - timedelta(days=1)).isoformat(),
                    "hours_per_week": 20,
                    "monthly_allowance": 50000,
                },
            },
            doer,
        ),
        (
            {
                "type": "start_measure",
                "measure_id": "training_course-1",
                "details": {
                    "kind": "training_course",
                    "subject": "italian_l2",
                    "title": "Italiano A2",
                    "provider": "CPIA Lecce",
                    "planned_hours": 100,
                    "start_on": start.isoformat(),
                },
            },
            doer,
        ),
    ]
    opening = {**OPEN, "pathway_id": pathway_id, "caseworker_id": caseworker}
    return [envelope(opening, doer), *(envelope(c, a) for c, a in commands)]


def line(code: str, measure: str, month: str, hours: int | str, **more: str) -> dict[str, str]:
    return {"pathway_code": code, "measure": measure, "month": month, "hours": str(hours), **more}


def body(rows: list[dict[str, str]]) -> list[list[Cell]]:
    """The sheet's lines: the Italian headers, then each row in the columns' order."""
    return [[h for _, h in COLUMNS], *([r.get(k, "") for k, _ in COLUMNS] for r in rows)]


def sheet_xlsx(rows: list[dict[str, str]]) -> bytes:
    return xlsx_bytes([Sheet("Presenze", body(rows))])


def sheet_csv(rows: list[dict[str, str]]) -> bytes:
    return csv_text(body(rows)).replace('","', '";"').encode()
