"""The steps of an existing caseload's import (`ImportCaseload`, docs/import.md), which
`BulkActivities` runs for `BulkOperationWorkflow` like any bulk operation's.

- `check_importer`: the person importing works in the organisation (or is the coordinator);
  a monthly attendance sheet's (`activities.pathways.attendance_imports`) does case work.
- `preview_import`: every row checked as its opening would be (`domain.imports.caseload`),
  and the caseworkers it names looked up (active caseworkers of the organisation); changes
  nothing.
- `apply_import`: each valid row opened through the `PathwayClient`, as the opening page
  does, under the command id of the file's digest and the row's number: opened again after
  a crash (or from another dry run of the same file), a row is answered by its first reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from temporalio import activity

from client.pathway import AccountLookup, CommandRefused, PathwayClient
from domain.assignment import AccountFacts, check_assignee
from domain.errors import DomainError, RoleForbidden
from domain.imports.attendance import ATTENDANCE_IMPORTERS
from domain.imports.caseload import RowCheck, check_caseload
from domain.imports.rows import RowProblem
from domain.values import Actor, Role
from infra.eventstore.search_index import (
    IndexedPathway,
    SearchIndexQueries,
    pathways_with_document,
    pathways_with_name_and_birth_date,
)
from workflows.bulk_models import FileImport, ImportAttendance, ImportCaseload, RowResult

DUPLICATE_EXISTING = "duplicate_existing"
OPENING_AT_ONCE = 4
"""Rows of a batch opened at the same time: each is its own pathway's workflow, whose
append holds connections of the worker's pool (PATHWAYS_DB_POOL_MAX_SIZE, 10 by default):
at 8 on a pool of 4 the appends timed out waiting for one."""
HEARTBEAT_EVERY = 2.0
"""Seconds between a batch's heartbeats while its rows wait for their pathways."""


async def check_importer(operation: FileImport, actor: Actor, accounts: AccountLookup) -> None:
    """Raise `RoleForbidden` unless `actor` may import the file into its organisation.

    The coordinator imports in any; anyone else only in their own organisation; an
    attendance sheet, only those who do case work (`ATTENDANCE_IMPORTERS`: never a partner
    or an auditor).
    """
    if isinstance(operation, ImportAttendance) and actor.role not in ATTENDANCE_IMPORTERS:
        raise RoleForbidden(f"a {actor.role} does not import attendance", field="organisation_id")
    if actor.role == Role.COORDINATOR:
        return
    account = await accounts.get_account(actor.id)
    if account is None or account.organisation_id != operation.organisation_id:
        raise RoleForbidden(
            f"{actor.id!r} imports into their own organisation only", field="organisation_id"
        )


async def preview_import(
    operation: ImportCaseload,
    actor: Actor,
    accounts: AccountLookup,
    now: datetime,
    documents: SearchIndexQueries | None = None,
) -> list[RowResult]:
    """Every row of the file, in its order: `would_change`, or `would_refuse` with all its
    problems (its first one's code and message on the row).

    With `documents` (the search's blind index), a valid row whose document number a
    pathway of the installation already has, in any organisation, or whose name and birth
    date are a pathway's (the rule of `domain.duplicates`), is `duplicate_existing`, naming
    the organisations to ask and nothing of the pathways.
    """
    known: dict[str, AccountFacts | None] = {}
    results = []
    for check in _checked(operation, actor, now):
        problems = check.problems
        if check.opening is not None and documents is not None:
            problems = await _existing(documents, check)
        if not problems and check.opening is not None:
            caseworker = check.opening.command.caseworker_id  # type: ignore[union-attr]
            if caseworker not in known:
                known[caseworker] = await accounts.get_account(caseworker)
            try:
                check_assignee(caseworker, known[caseworker], operation.organisation_id)
            except DomainError as refused:
                problems = (
                    RowProblem(column="caseworker_id", code=refused.code, message=refused.message),
                )
        results.append(_result(check, problems, "would_change", "would_refuse"))
    return results


async def apply_import(
    operation: ImportCaseload, actor: Actor, pathways: PathwayClient, now: datetime
) -> list[RowResult]:
    """Open each row of `operation` (a batch's), `OPENING_AT_ONCE` at a time, heartbeating
    while any waits: `done`, or `refused` with the code of the row's problem or of the
    pathway's refusal, in the rows' order."""
    opening = asyncio.Semaphore(OPENING_AT_ONCE)

    async def one(check: RowCheck) -> RowResult:
        if check.opening is None:
            return _result(check, check.problems, "done", "refused")
        try:
            async with opening:
                await pathways.open(check.opening)
        except CommandRefused as refused:
            problem = RowProblem(code=refused.code, message=refused.message)
            return _result(check, (problem,), "done", "refused")
        return _result(check, (), "done", "refused")

    return await heartbeating([one(c) for c in _checked(operation, actor, now)])


async def heartbeating(rows: list[Coroutine[Any, Any, RowResult]]) -> list[RowResult]:
    """The rows' results, in their order, heartbeating while any waits (a pathway's
    answer may take longer than the step's heartbeat timeout)."""
    gathered = asyncio.gather(*rows)
    while activity.in_activity() and not gathered.done():
        activity.heartbeat()
        await asyncio.wait([gathered], timeout=HEARTBEAT_EVERY)
    return list(await gathered)


async def _existing(documents: SearchIndexQueries, check: RowCheck) -> tuple[RowProblem, ...]:
    """The row's `duplicate_existing` problem, if another pathway has its document number,
    or its name and birth date; its own pathway (the file imported before) is no duplicate."""
    number = check.row.cell("document_number")
    column, found = "document_number", await pathways_with_document(documents, number)
    if not _others(found, check) and check.opening is not None:
        beneficiary = check.opening.command.beneficiary  # type: ignore[union-attr]
        name = f"{beneficiary.given_name} {beneficiary.family_name}"
        column = "family_name"
        found = await pathways_with_name_and_birth_date(documents, name, beneficiary.birth_date)
    elsewhere = _others(found, check)
    if not elsewhere:
        return ()
    what = "document number" if column == "document_number" else "name and birth date"
    return (
        RowProblem(
            column=column,
            code=DUPLICATE_EXISTING,
            message=f"a pathway with this {what} exists at {', '.join(elsewhere)}: ask them",
        ),
    )


def _others(found: list[IndexedPathway], check: RowCheck) -> list[str]:
    """The organisations of the pathways `found`, but the row's own."""
    return sorted({p.organisation_id for p in found if p.pathway_id != check.pathway_id})


def _checked(operation: ImportCaseload, actor: Actor, now: datetime) -> list[RowCheck]:
    return check_caseload(
        operation.rows,
        digest=operation.digest,
        organisation_id=operation.organisation_id,
        actor=actor,
        now=now,
    )


def _result(check: RowCheck, problems: tuple[RowProblem, ...], good: str, bad: str) -> RowResult:
    return row_result(check.pathway_id, check.row.number, problems, good, bad)


def row_result(
    key: str, number: int, problems: tuple[RowProblem, ...], good: str, bad: str
) -> RowResult:
    """A file's row's result: `good` without problems, else `bad` with all of them (the
    first one's code and message on the row)."""
    first = problems[0] if problems else None
    return RowResult.model_validate(
        {
            "pathway_id": key,
            "outcome": bad if first else good,
            "code": first.code if first else None,
            "message": first.message if first else None,
            "row": number,
            "problems": problems,
        }
    )
