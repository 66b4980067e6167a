"""From the JSON a person gives the CLI to a `CommandEnvelope`, or a refusal saying what is wrong.

Everything here runs before anything is sent, so a malformed command never reaches Temporal:
it is refused as `invalid_command`, with the path of the offending field. The parsing itself
is `client.parsing`, shared with the HTTP API; this module reads files and stdin and
speaks the CLI's `Refused`.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from client import parsing
from domain.calendar import project_day
from domain.commands import CommandEnvelope, OpenPathway
from domain.policy import Policy
from domain.values import Actor
from workers.failures import Refused

INVALID = parsing.INVALID


def read_document(file: Path | None, stdin: TextIO | None = None) -> dict[str, Any]:
    """The JSON object in `file` (or on stdin when `file` is None or `-`).

    Raises:
        Refused: `invalid_command` for unreadable input, malformed JSON or a non-object.
    """
    source = stdin or sys.stdin
    if file is None or str(file) == "-":
        if source.isatty():
            raise Refused(INVALID, "give the command as JSON with --file or on stdin")
        text, where = source.read(), "stdin"
    else:
        try:
            text, where = file.read_text(encoding="utf-8"), str(file)
        except OSError as err:
            raise Refused(INVALID, f"cannot read {file}: {err.strerror}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise Refused(
            INVALID, f"malformed JSON in {where}: {err.msg} (line {err.lineno}, column {err.colno})"
        ) from None
    if not isinstance(document, dict):
        raise Refused(INVALID, f"{where} must hold a JSON object, not {_json_kind(document)}")
    return document


def command_envelope(
    document: dict[str, Any],
    *,
    actor_id: str | None,
    role: str,
    command_id: str | None = None,
    occurred_at: str | None = None,
) -> CommandEnvelope:
    """Wrap one command document in its envelope; options win over the document's own keys.

    The document is the command's fields with its `type`, plus optional `command_id` and
    `occurred_at`; a missing command id becomes a new uuid4.

    Raises:
        Refused: `invalid_command`, with the field path when one field is at fault.
    """
    with _refused():
        command = parsing.parse_command(document)
    if actor_id is None:
        raise Refused(INVALID, "who sends it? give --actor (or set PATHWAYS_ACTOR)", "actor")
    instant = occurred_at if occurred_at is not None else document.get("occurred_at")
    try:
        actor = Actor.model_validate({"id": actor_id, "role": role})
    except ValidationError as err:
        raise _as_refused(parsing.invalid_input(err)) from None
    with _refused():
        return parsing.build_envelope(
            command,
            command_id=command_id or document.get("command_id") or str(uuid.uuid4()),
            actor=actor,
            occurred_at=instant,
        )


def opening_document(document: dict[str, Any], command_id: str | None) -> dict[str, Any]:
    """The open_pathway document with its type and pathway id filled in when absent.

    See `client.parsing.opening_document`.

    Raises:
        Refused: `invalid_command` when the document is another command, or names a
            deadline policy (the configured one applies: see `opened_under`).
    """
    with _refused():
        return parsing.opening_document(document, command_id)


def opened_under(policy: Policy, envelope: CommandEnvelope) -> CommandEnvelope:
    """The opening with the deadline policy the pathway is to follow from its first day."""
    command = envelope.command
    if not isinstance(command, OpenPathway):
        raise Refused(INVALID, "only an open_pathway command carries a policy", "type")
    return envelope.model_copy(update={"command": command.model_copy(update={"policy": policy})})


def business_time(text: str) -> datetime:
    """An ISO datetime with its time zone (`2026-11-20T09:30:00+01:00`, `...Z`).

    Raises:
        Refused: `invalid_command` for another format or a naive datetime, which
            would be recorded hours off in another time zone.
    """
    with _refused():
        return parsing.business_time(text)


def known_at(text: str) -> datetime:
    """The instant of `--as-of`: a datetime (naive means UTC), or a date meaning the end of
    that day in Italy; never after today.

    Raises:
        Refused: `invalid_command` for anything else, `as_of_in_future` after today.
    """
    with _refused():
        return parsing.known_at(text, project_day(datetime.now(UTC)))


@contextmanager
def _refused() -> Iterator[None]:
    """Turn the shared parser's `InvalidInput` into the CLI's `Refused`."""
    try:
        yield
    except parsing.InvalidInput as err:
        raise _as_refused(err) from None


def _as_refused(err: parsing.InvalidInput) -> Refused:
    return Refused(err.code, err.message, err.field, err.more)


def _json_kind(value: object) -> str:
    match value:
        case list():
            return "an array"
        case str():
            return "a string"
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case None:
            return "null"
        case _:
            return type(value).__name__
