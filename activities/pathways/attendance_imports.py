"""The steps of a monthly attendance sheet's import (`ImportAttendance`, docs/import.md), which
`BulkActivities` runs for `BulkOperationWorkflow` like the caseload's import.

The pathways a sheet may name are those the importer may act on (`scope_of`): a
caseworker's own caseload, the organisation's for a supervisor and for the coordinator.
Only their states are asked (the states the running workflows hold), so a row naming any
other pathway is `not_found`, whether it exists or not.

- `preview_attendance`: every row checked as its recording would be
  (`domain.imports.attendance.check_attendance`); changes nothing.
- `apply_attendance`: each valid row's `record_measure_progress` sent to its pathway
  through the `PathwayClient`, as the measure's page does, under the command id of the
  file's digest and the row's number: sent again after a crash (or from another dry run of
  the same file), a row is answered by its first reply; each pathway's validator asks the
  recording's rules again.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from activities.pathways.imports import OPENING_AT_ONCE, heartbeating, row_result
from client.pathway import CommandRefused, PathwayClient
from domain.imports.attendance import (
    AttendanceCheck,
    check_attendance,
    recordings,
)
from domain.imports.rows import RowProblem
from domain.imports.sheet_names import pathway_of
from domain.state import PathwayState
from domain.values import Actor, Role
from infra.eventstore.queries import CaseloadQueries
from workflows.bulk_models import ImportAttendance, RowResult

PAGE = 500
"""Caseload rows read at a time while finding the importer's pathways."""


async def scope_of(
    operation: ImportAttendance, actor: Actor, caseload: CaseloadQueries
) -> list[str]:
    """The pathways of the organisation `actor` may act on: a caseworker's own caseload,
    every one of it for the others (`check_importer` has let only those through)."""
    mine = actor.id if actor.role == Role.CASEWORKER else None
    found: list[str] = []
    offset = 0
    while True:
        page = await caseload.list_summaries(
            organisation_id=operation.organisation_id,
            caseworker_id=mine,
            limit=PAGE,
            offset=offset,
        )
        found += [s.pathway_id for s in page]
        if len(page) < PAGE:
            return found
        offset += PAGE


async def _states(
    operation: ImportAttendance, scope: list[str], pathways: PathwayClient
) -> dict[str, PathwayState]:
    """The states of the pathways of `scope` the rows name; one that does not answer
    (closed and gone) is left out, so its rows are `not_found`."""
    named = {pathway_of(r.cell("pathway_code"), scope) for r in operation.rows}
    states = {}
    for pathway_id in sorted(p for p in named if p is not None):
        try:
            states[pathway_id] = await pathways.state(pathway_id)
        except CommandRefused:
            continue
    return states


async def preview_attendance(
    operation: ImportAttendance,
    actor: Actor,
    caseload: CaseloadQueries,
    pathways: PathwayClient,
    now: datetime,
) -> list[RowResult]:
    """Every row of the sheet, in its order: `would_change`, or `would_refuse` with all its
    problems."""
    scope = await scope_of(operation, actor, caseload)
    checks = check_attendance(
        operation.rows,
        digest=operation.digest,
        scope=scope,
        states=await _states(operation, scope, pathways),
        actor=actor,
        now=now,
    )
    return [_result(c, c.problems, "would_change", "would_refuse") for c in checks]


async def apply_attendance(
    operation: ImportAttendance,
    actor: Actor,
    caseload: CaseloadQueries,
    pathways: PathwayClient,
) -> list[RowResult]:
    """Record each row of `operation` (a batch's), `OPENING_AT_ONCE` at a time: `done`, or
    `refused` with the code of the row's problem or of the pathway's refusal."""
    scope = await scope_of(operation, actor, caseload)
    sending = asyncio.Semaphore(OPENING_AT_ONCE)

    async def one(check: AttendanceCheck) -> RowResult:
        if check.recording is None or check.pathway_id is None:
            return _result(check, check.problems, "done", "refused")
        try:
            async with sending:
                await pathways.send(check.pathway_id, check.recording)
        except CommandRefused as refused:
            problem = RowProblem(code=refused.code, message=refused.message)
            return _result(check, (problem,), "done", "refused")
        return _result(check, (), "done", "refused")

    checks = recordings(
        operation.rows,
        digest=operation.digest,
        scope=scope,
        states=await _states(operation, scope, pathways),
        actor=actor,
    )
    return await heartbeating([one(c) for c in checks])


def _result(
    check: AttendanceCheck, problems: tuple[RowProblem, ...], good: str, bad: str
) -> RowResult:
    return row_result(check.row_id, check.row.number, problems, good, bad)
