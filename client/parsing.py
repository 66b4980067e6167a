"""From a JSON document to a `CommandEnvelope`, or `InvalidInput` saying what is wrong.

Shared by every caller that takes commands from people (the CLI in `workers/`, the HTTP API
in `web/`), so that they refuse the same inputs with the same `invalid_command` and the same
field path. Pure: no I/O, no clock; only the opening draws a fresh id when given none.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from domain.calendar import end_of_day
from domain.commands import COMMAND_ADAPTER, Command, CommandEnvelope
from domain.values import Actor

INVALID = "invalid_command"
AS_OF_IN_FUTURE = "as_of_in_future"
"""An "as of" after today: what will be known then is not known yet, and figures labelled
with a future date would read as a forecast."""

ENVELOPE_KEYS = ("command_id", "occurred_at")
"""Keys of a command document that belong to the envelope, not to the command."""

# Pathway ids derived from a command id live in their own uuid5 namespace, so that a retried
# opening with command id X lands on the same pathway instead of opening a second one.
_PATHWAY_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:pathways:pathway-id")


class InvalidInput(Exception):
    """A malformed command document: the code, the first problem, its field, further ones."""

    def __init__(
        self,
        message: str,
        field: str | None = None,
        more: tuple[str, ...] = (),
        *,
        code: str = INVALID,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message, self.field, self.more = message, field, more


ATTACHED_WITH_FILE = "attach_document"


def parse_command(document: dict[str, Any]) -> Command:
    """The command in `document` (its `type` and fields; envelope keys are ignored).

    Read as JSON and strictly, as the published schemas say: a value has the JSON type of
    its field (no number for a date, no `"1"` for a count), as every caller has JSON.

    Raises:
        InvalidInput: no type, an unknown type, or a field that fails validation.
    """
    fields = {k: v for k, v in document.items() if k not in ENVELOPE_KEYS}
    if "type" not in fields:
        raise InvalidInput("the command has no type", "type")
    if fields["type"] == ATTACHED_WITH_FILE:
        # Its event must name bytes that were checked and stored: only the documents'
        # path (`web.documents.attach`) sends it, never a body that merely describes a file.
        raise InvalidInput(
            "a document is attached with its file: POST /api/v1/pathways/{id}/documents", "type"
        )
    try:
        return COMMAND_ADAPTER.validate_json(json.dumps(_one_number_type(fields)), strict=True)
    except ValidationError as err:
        raise invalid_input(err, tag=fields.get("type")) from None


def _one_number_type(value: Any) -> Any:
    """`value` with each whole float as an int: JSON has one number type, so `1.0` is 1."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _one_number_type(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_one_number_type(item) for item in value]
    return value


def build_envelope(
    command: Command,
    *,
    command_id: str,
    actor: Actor | dict[str, Any],
    occurred_at: object = None,
) -> CommandEnvelope:
    """Wrap a command; `occurred_at` is an ISO datetime with its time zone, or None.

    Raises:
        InvalidInput: a bad command id, actor or business time.
    """
    instant = None if occurred_at is None else business_time(occurred_at)
    try:
        return CommandEnvelope.model_validate(
            {"command_id": command_id, "actor": actor, "command": command, "occurred_at": instant}
        )
    except ValidationError as err:
        raise invalid_input(err) from None


def opening_document(document: dict[str, Any], command_id: str | None) -> dict[str, Any]:
    """The open_pathway document with its type and pathway id filled in when absent.

    A missing pathway id is derived from the command id when there is one (a retry opens
    the same pathway), else a new uuid4; either way it is opaque.

    Raises:
        InvalidInput: the document is another command, or names a deadline policy (the
            configured one applies to every opening).
    """
    kind = document.get("type", "open_pathway")
    if kind != "open_pathway":
        raise InvalidInput(f"opening takes an open_pathway command, not {kind!r}", "type")
    if "policy" in document:
        raise InvalidInput(
            "the deadline policy comes from PATHWAYS_POLICY_FILE (or the shipped default), "
            "not from the command",
            "policy",
        )
    if document.get("pathway_id") is not None:
        return {**document, "type": kind}
    known_id = command_id or document.get("command_id")
    pathway_id = uuid.uuid5(_PATHWAY_ID_NAMESPACE, str(known_id)) if known_id else uuid.uuid4()
    return {**document, "type": kind, "pathway_id": str(pathway_id)}


def business_time(text: object) -> datetime:
    """An ISO datetime with its time zone (`2026-11-20T09:30:00+01:00`, `...Z`).

    Raises:
        InvalidInput: another format or a naive datetime, which would be recorded hours
            off in another time zone.
    """
    try:
        instant = datetime.fromisoformat(str(text))
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not an ISO datetime like 2026-11-20T09:30:00+01:00", "occurred_at"
        ) from None
    if instant.tzinfo is None:
        raise InvalidInput(f"{text!r} has no time zone; add one, e.g. +01:00 or Z", "occurred_at")
    return instant


def known_at(text: str, today: date) -> datetime:
    """The instant of an "as of": an ISO datetime (naive means UTC), or a date meaning the
    end of that day in Italy (`domain.calendar.end_of_day`), as the pages read it.

    Args:
        text: What was asked for.
        today: The Italian day it is asked on (`domain.calendar.project_day(now)`).

    Raises:
        InvalidInput: neither a date nor a datetime (`invalid_command`), or a day after
            `today` (`as_of_in_future`).
    """
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        not_after(day, today)
        return end_of_day(day)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is neither a date (2026-11-20) nor an ISO datetime", "as_of"
        ) from None
    instant = instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
    if instant > end_of_day(today):
        raise _in_future(text, today)
    return instant


def not_after(day: date, today: date) -> date:
    """`day`, if it is not after `today`.

    Raises:
        InvalidInput: `as_of_in_future`.
    """
    if day > today:
        raise _in_future(day.isoformat(), today)
    return day


def _in_future(text: str, today: date) -> InvalidInput:
    return InvalidInput(
        f"{text!r} is after today ({today.isoformat()}): what will be known then is not known yet",
        "as_of",
        code=AS_OF_IN_FUTURE,
    )


def invalid_input(error: ValidationError, tag: object = None) -> InvalidInput:
    """The first problem of a validation error, with its field path; the others as `more`."""
    problems = error.errors(include_url=False)
    first = problems[0]
    if first["type"] == "union_tag_invalid":
        return InvalidInput(f"unknown command type {tag!r}", "type")
    more = tuple(f"also {field_path(p, tag) or 'the command'}: {p['msg']}" for p in problems[1:])
    return InvalidInput(first["msg"], field_path(first, tag), more)


def field_path(problem: ErrorDetails, tag: object = None, skip: int = 0) -> str | None:
    """`a.b.0.c` for a problem's location, without the first `skip` parts or the union tag."""
    loc = list(problem["loc"])[skip:]
    # A discriminated union puts the tag first: ("record_baseline", "condition", ...).
    if loc and tag is not None and loc[0] == tag:
        loc = loc[1:]
    return ".".join(str(part) for part in loc) or None
