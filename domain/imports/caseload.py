"""An existing caseload's file: its columns, and each row checked as the opening is.

Each row becomes the `open_pathway` command the opening page would send, checked by the
same rules: the command's pydantic model, then the decider (`domain.decider.decide`) on
the state of a pathway not yet opened, as the importing person at the instant of the dry
run. A cell that cannot become a field is reported by its column with its own code
(`missing_field`, `invalid_date`, `invalid_number`, `unknown_value`); a field the model or
the decider refuses, with theirs (`invalid_value`, `role_forbidden`, a fact in the
future...). A row whose document number an earlier row of the file has already is
`duplicate_in_file` and is not opened.

The pathway id and the command id of a row are made of the file's digest and the row's
number (`row_key`): applying the same file again, from any dry run, opens nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from domain.commands import CommandEnvelope, OpenPathway
from domain.decider import decide
from domain.errors import DomainError
from domain.imports.rows import (
    DUPLICATE_IN_FILE,
    INVALID_DATE,
    INVALID_NUMBER,
    INVALID_VALUE,
    MISSING_FIELD,
    UNKNOWN_VALUE,
    Column,
    ImportRow,
    RowProblem,
    day_text,
    row_key,
)
from domain.state import initial_state
from domain.values import Actor, Gender, ProtectionStatus, ReceptionCentreKind, Role

CASELOAD_COLUMNS: tuple[Column, ...] = (
    Column("given_name", "Nome", ("beneficiary", "given_name")),
    Column("family_name", "Cognome", ("beneficiary", "family_name")),
    Column("birth_date", "Data di nascita", ("beneficiary", "birth_date"), "day"),
    Column("gender", "Genere", ("beneficiary", "gender"), "choice", choices=tuple(Gender)),
    Column(
        "nationality",
        "Cittadinanza",
        ("beneficiary", "nationality"),
        hint="ISO 3166-1, due lettere (NG, AF, UA)",
    ),
    Column("phone", "Telefono", ("beneficiary", "phone"), required=False),
    Column("document_number", "Numero documento", ("beneficiary", "document_number")),
    Column(
        "protection_status",
        "Status di protezione",
        ("protection_status",),
        "choice",
        choices=tuple(ProtectionStatus),
    ),
    Column("permit_expires_on", "Scadenza permesso", ("permit_expires_on",), "day"),
    Column("adults", "Adulti nel nucleo", ("household", "adults"), "number", required=False),
    Column(
        "reception_kind",
        "Accoglienza",
        ("reception_centre", "kind"),
        "choice",
        choices=tuple(ReceptionCentreKind),
    ),
    Column("reception_name", "Nome del centro", ("reception_centre", "name"), required=False),
    Column("resident_since", "Residente in Italia dal", ("resident_since",), "day"),
    Column(
        "caseworker_id",
        "Operatore",
        ("caseworker_id",),
        required=False,
        hint="l'account dell'operatore; vuoto: chi importa, se operatore",
    ),
)
"""The caseload file's columns, in the template's order."""

PATHWAY_ID_PREFIX = "imp-"
COMMAND_ID_PREFIX = "import:"


@dataclass(frozen=True)
class RowCheck:
    """One row checked: its pathway id, and its problems (none: it would be opened)."""

    row: ImportRow
    pathway_id: str
    problems: tuple[RowProblem, ...]
    opening: CommandEnvelope | None
    """The command that opens it, when it has no problem."""


def pathway_id_for(digest: str, number: int) -> str:
    """The pathway a row of the file of `digest` opens."""
    return row_key(digest, number, PATHWAY_ID_PREFIX)


def command_id_for(digest: str, number: int) -> str:
    """The command id of the opening of a row of the file of `digest`."""
    return row_key(digest, number, COMMAND_ID_PREFIX)


def check_caseload(
    rows: tuple[ImportRow, ...],
    *,
    digest: str,
    organisation_id: str,
    actor: Actor,
    now: datetime,
) -> list[RowCheck]:
    """Every row of the file checked, in its order: what the opening of each would say.

    `actor` imports into `organisation_id`: a caseworker's rows without a caseworker are
    theirs. Nothing is opened; whether the caseworkers named are active ones of the
    organisation is asked by the caller (it needs the accounts).
    """
    seen: dict[str, int] = {}
    checks = []
    for row in rows:
        problems, opening = _check_row(row, digest, organisation_id, actor, now)
        document = _document_key(row.cell("document_number"))
        if document:
            first = seen.setdefault(document, row.number)
            if first != row.number:
                problems = (
                    *problems,
                    RowProblem(
                        column="document_number",
                        code=DUPLICATE_IN_FILE,
                        message=f"the same document number as row {first}",
                    ),
                )
                opening = None
        checks.append(RowCheck(row, pathway_id_for(digest, row.number), problems, opening))
    return checks


def _document_key(text: str) -> str:
    """A document number as compared: without spaces, dashes and dots, upper case."""
    return "".join(c for c in text.upper() if c.isalnum())


def _check_row(
    row: ImportRow, digest: str, organisation_id: str, actor: Actor, now: datetime
) -> tuple[tuple[RowProblem, ...], CommandEnvelope | None]:
    document: dict[str, Any] = {
        "type": "open_pathway",
        "pathway_id": pathway_id_for(digest, row.number),
        "organisation_id": organisation_id,
    }
    problems = []
    for column in CASELOAD_COLUMNS:
        text = row.cell(column.key)
        if not text:
            if column.key == "caseworker_id" and actor.role == Role.CASEWORKER:
                text = actor.id
            elif column.required or column.key == "caseworker_id":
                problems.append(RowProblem(column=column.key, code=MISSING_FIELD, message="empty"))
                continue
            else:
                continue
        value, problem = _value(column, text)
        if problem is not None:
            problems.append(problem)
            continue
        _put(document, column.field, value)
    if problems:
        return tuple(problems), None
    try:
        envelope = CommandEnvelope(
            command_id=command_id_for(digest, row.number),
            actor=actor,
            command=OpenPathway.model_validate(document),
        )
    except ValidationError as err:
        return tuple(_validation_problems(err)), None
    try:
        decide(initial_state(), envelope, now)
    except DomainError as refused:
        where = _column_of(tuple((refused.field or "").split(".")))
        return (RowProblem(column=where, code=refused.code, message=refused.message),), None
    return (), envelope


def _value(column: Column, text: str) -> tuple[Any, RowProblem | None]:
    """The field's value of a cell's text, or the cell's problem."""
    match column.kind:
        case "day":
            day = day_text(text)
            if day is None:
                return None, RowProblem(
                    column=column.key, code=INVALID_DATE, message=f"{text!r} is not a day"
                )
            return day, None
        case "number":
            number = text.removesuffix(".0")
            if not number.isdigit():
                return None, RowProblem(
                    column=column.key, code=INVALID_NUMBER, message=f"{text!r} is not a number"
                )
            return int(number), None
        case "choice":
            choice = text.lower().replace(" ", "_")
            if choice not in column.choices:
                return None, RowProblem(
                    column=column.key,
                    code=UNKNOWN_VALUE,
                    message=f"{text!r} is none of {', '.join(column.choices)}",
                )
            return choice, None
        case _:
            return text.upper() if column.key == "nationality" else text, None


def _put(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        document = document.setdefault(name, {})
    document[path[-1]] = value


def _column_of(location: tuple[object, ...]) -> str | None:
    """The column whose field is at `location` of the command (or begins it)."""
    for column in CASELOAD_COLUMNS:
        if tuple(location[: len(column.field)]) == column.field:
            return column.key
    return None


def _validation_problems(err: ValidationError) -> list[RowProblem]:
    return [
        RowProblem(
            column=_column_of(tuple(error["loc"])),
            code=INVALID_VALUE,
            message=str(error["msg"]),
        )
        for error in err.errors()
    ]
