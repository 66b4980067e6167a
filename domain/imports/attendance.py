"""A monthly attendance sheet: its columns, and each row checked as the page's recording is.

A row names a pathway by the code the pages show, a measure as the pages name it
(`domain.imports.sheet_names`), a month and its hours: a work grant's hours worked,
verified by its tutor, or a training course's hours attended. Each becomes the
`record_measure_progress` command the measure's page sends (`WorkGrantAttendance`,
`CourseAttendance` up to the month's last day), checked
by the decider (`domain.decider.decide`) on the pathway's state as the importing person,
after the rows of the file before it: every rule of the recording applies unchanged (the
tutor-only rule, `hours_exceeded`, `already_recorded`, a month in the future...).

A pathway the importer may not act on and one that does not exist are the same
`not_found`, and so is a measure the pathway does not have: the file never tells which.
The same pathway, measure and month twice in the file is `duplicate_in_file`; a course's
month already recorded on the pathway, `duplicate_existing` (a work grant's month is
the decider's `already_recorded`).

Each row's command id is made of the file's digest and the row's number (`row_key`), as
is the row's id in the bulk operation (`row_id_for`): the same file applied again, from
any dry run, records nothing twice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from domain.calendar import month_end
from domain.commands import CommandEnvelope, RecordMeasureProgress
from domain.decider import decide
from domain.errors import DomainError
from domain.evolution import fold
from domain.imports.rows import (
    DUPLICATE_IN_FILE,
    INVALID_NUMBER,
    INVALID_VALUE,
    MISSING_FIELD,
    Column,
    ImportRow,
    RowProblem,
    month_text,
    row_key,
    whole_number,
)
from domain.imports.sheet_names import (
    MONTHLY_KINDS,
    WORK_GRANT,
    measure_id_of,
    pathway_of,
)
from domain.measures.training_course import CourseAttendance
from domain.measures.work_grant import WorkGrantDetails
from domain.state import PathwayState
from domain.stream import record_events, stream_id_for
from domain.values import Actor, Role

ATTENDANCE_IMPORTERS = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.COORDINATOR})
"""Who imports attendance: who does case work (never a partner, an auditor or an admin)."""

INVALID_MONTH = "invalid_month"
NOT_FOUND = "not_found"
WRONG_MEASURE_KIND = "wrong_measure_kind"
DUPLICATE_EXISTING = "duplicate_existing"

ATTENDANCE_COLUMNS: tuple[Column, ...] = (
    Column(
        "pathway_code",
        "Percorso",
        ("pathway_id",),
        hint="il codice che le pagine mostrano accanto al nome (le prime 8 cifre) o l'intero",
    ),
    Column(
        "measure",
        "Misura",
        ("measure_id",),
        hint="come la nomina la pagina: Borsa lavoro (1), Corso di formazione (2); "
        "oppure il suo codice: work_grant-1",
    ),
    Column("month", "Mese", ("progress", "month"), "month"),
    Column(
        "hours",
        "Ore",
        ("progress", "hours"),
        "number",
        hint="borsa lavoro: ore lavorate nel mese; corso: ore frequentate nel mese",
    ),
    Column(
        "verified_by",
        "Verificate da",
        ("progress", "verified_by"),
        required=False,
        hint="borsa lavoro: chi ha verificato le ore; vuoto: il tutor della borsa",
    ),
    Column("note", "Note", (), required=False, hint="resta nel file, non nel percorso"),
)
"""The attendance sheet's columns, in the template's order."""

ROW_ID_PREFIX = "att-"
COMMAND_ID_PREFIX = "attendance:"


@dataclass(frozen=True)
class AttendanceCheck:
    """One row checked: its pathway (None: not found), problems, and its recording."""

    row: ImportRow
    row_id: str
    pathway_id: str | None
    problems: tuple[RowProblem, ...]
    recording: CommandEnvelope | None
    """The command that records it, when it has no problem."""


def row_id_for(digest: str, number: int) -> str:
    """The bulk operation's id of a row of the file of `digest`."""
    return row_key(digest, number, ROW_ID_PREFIX)


def command_id_for(digest: str, number: int) -> str:
    """The command id of the recording of a row of the file of `digest`."""
    return row_key(digest, number, COMMAND_ID_PREFIX)


def recordings(
    rows: Sequence[ImportRow],
    *,
    digest: str,
    scope: Collection[str],
    states: Mapping[str, PathwayState],
    actor: Actor,
) -> list[AttendanceCheck]:
    """Each row as the command that records it, or the problems of its cells and of what it
    names; no rule of the recording is asked (applying sends the commands, and each
    pathway's own validator asks them)."""
    return [_recording(row, digest, scope, states, actor) for row in rows]


def check_attendance(
    rows: Sequence[ImportRow],
    *,
    digest: str,
    scope: Collection[str],
    states: Mapping[str, PathwayState],
    actor: Actor,
    now: datetime,
) -> list[AttendanceCheck]:
    """Every row of the sheet checked, in its order: what recording each would say.

    `scope` is the ids of the pathways `actor` may act on, `states` the states of those the
    rows name. Each valid row's events are folded into its pathway's state, so the next row
    of the same measure is checked after it (a course's hours add up). Nothing is recorded.
    """
    seen: dict[tuple[str, str, str], int] = {}
    after = dict(states)
    checks = []
    for check in recordings(rows, digest=digest, scope=scope, states=states, actor=actor):
        if check.recording is None or check.pathway_id is None:
            checks.append(check)
            continue
        command = check.recording.command
        assert isinstance(command, RecordMeasureProgress)
        month = _month_of(command)
        first = seen.setdefault((check.pathway_id, command.measure_id, month), check.row.number)
        problem = None
        if first != check.row.number:
            problem = RowProblem(
                column="month", code=DUPLICATE_IN_FILE, message=f"the same month as row {first}"
            )
        else:
            problem = _recorded_before(after[check.pathway_id], command, month)
        if problem is None:
            state = after[check.pathway_id]
            try:
                events = decide(state, check.recording, now)
            except DomainError as refused:
                problem = RowProblem(
                    column=_column_of(refused.field), code=refused.code, message=refused.message
                )
            else:
                recorded = record_events(
                    stream_id_for(check.pathway_id), state.version, check.recording, events, now
                )
                after[check.pathway_id] = fold(recorded, state)
        if problem is not None:
            check = AttendanceCheck(check.row, check.row_id, check.pathway_id, (problem,), None)
        checks.append(check)
    return checks


def _recording(
    row: ImportRow,
    digest: str,
    scope: Collection[str],
    states: Mapping[str, PathwayState],
    actor: Actor,
) -> AttendanceCheck:
    problems = [
        RowProblem(column=c.key, code=MISSING_FIELD, message="empty")
        for c in ATTENDANCE_COLUMNS
        if c.required and not row.cell(c.key)
    ]
    month = month_text(row.cell("month"))
    if row.cell("month") and month is None:
        problems.append(
            RowProblem(
                column="month",
                code=INVALID_MONTH,
                message=f"{row.cell('month')!r} is not a month (2026-03)",
            )
        )
    hours = whole_number(row.cell("hours"))
    if row.cell("hours") and hours is None:
        problems.append(
            RowProblem(
                column="hours",
                code=INVALID_NUMBER,
                message=f"{row.cell('hours')!r} is not a number of hours",
            )
        )
    pathway_id = pathway_of(row.cell("pathway_code"), scope) if row.cell("pathway_code") else None
    state = states.get(pathway_id) if pathway_id is not None else None
    if row.cell("pathway_code") and state is None:
        problems.append(
            RowProblem(
                column="pathway_code", code=NOT_FOUND, message="no pathway of yours has this code"
            )
        )
        pathway_id = None
    measure_id = measure_id_of(row.cell("measure"))
    measure = state.measures.get(measure_id) if state is not None else None
    if state is not None and row.cell("measure"):
        if measure is None:
            problems.append(
                RowProblem(
                    column="measure", code=NOT_FOUND, message="the pathway has no such measure"
                )
            )
        elif measure.kind not in MONTHLY_KINDS:
            problems.append(
                RowProblem(
                    column="measure",
                    code=WRONG_MEASURE_KIND,
                    message=f"a {measure.kind} has no monthly hours: only work grants and courses",
                )
            )
    row_id = row_id_for(digest, row.number)
    if problems or measure is None or month is None or hours is None:
        return AttendanceCheck(row, row_id, pathway_id, tuple(problems), None)
    progress: dict[str, Any]
    if measure.kind == WORK_GRANT:
        tutor = measure.details.tutor if isinstance(measure.details, WorkGrantDetails) else ""
        progress = {
            "kind": "work_grant_attendance",
            "month": month,
            "hours_verified": hours,
            "verified_by": row.cell("verified_by") or tutor,
        }
    else:
        progress = {"kind": "course_attendance", "period_end": month_end(month), "hours": hours}
    try:
        envelope = CommandEnvelope(
            command_id=command_id_for(digest, row.number),
            actor=actor,
            command=RecordMeasureProgress.model_validate(
                {"measure_id": measure_id, "progress": progress}
            ),
        )
    except ValidationError as err:
        invalid = tuple(
            RowProblem(
                column=_column_of(".".join(str(part) for part in error["loc"])),
                code=INVALID_VALUE,
                message=str(error["msg"]),
            )
            for error in err.errors()
        )
        return AttendanceCheck(row, row_id, pathway_id, invalid, None)
    return AttendanceCheck(row, row_id, pathway_id, (), envelope)


def _month_of(command: RecordMeasureProgress) -> str:
    progress = command.progress
    if isinstance(progress, CourseAttendance):
        return progress.period_end.isoformat()[:7]
    return str(getattr(progress, "month", ""))


def _recorded_before(
    state: PathwayState, command: RecordMeasureProgress, month: str
) -> RowProblem | None:
    """A course's month the pathway has attendance of already: the sheet's row would count
    its hours twice (a work grant's month is refused by the decider itself)."""
    measure = state.measures.get(command.measure_id)
    if measure is None or not isinstance(command.progress, CourseAttendance):
        return None
    if any(a.period_end.isoformat()[:7] == month for a in measure.progress_of(CourseAttendance)):
        return RowProblem(
            column="month",
            code=DUPLICATE_EXISTING,
            message=f"the course's hours of {month} are recorded",
        )
    return None


def _column_of(field: str | None) -> str | None:
    """The column of a refused or invalid field of the command (its last name tells)."""
    last = (field or "").split(".")[-1]
    return {
        "measure_id": "measure",
        "month": "month",
        "period_end": "month",
        "hours": "hours",
        "hours_verified": "hours",
        "verified_by": "verified_by",
    }.get(last)
