"""From the JSON a person gives the CLI to a `CommandEnvelope`, or a refusal saying what is wrong.

Everything here runs before anything is sent, so a malformed command never reaches Temporal:
it is refused as `invalid_command`, with the path of the offending field.
"""

from __future__ import annotations

import json
import sys
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from domain.commands import COMMAND_ADAPTER, CommandEnvelope, OpenPathway
from domain.policy import Policy
from domain.values import Actor
from workers.failures import Refused

INVALID = "invalid_command"

# Keys of the JSON document that belong to the envelope, not to the command.
_ENVELOPE_KEYS = ("command_id", "occurred_at")

# Pathway ids derived from a command id live in their own uuid5 namespace, so that a retried
# `pathways open --command-id X` lands on the same pathway instead of opening a second one.
_PATHWAY_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:pathways:pathway-id")


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
    fields = {k: v for k, v in document.items() if k not in _ENVELOPE_KEYS}
    if "type" not in fields:
        raise Refused(INVALID, "the command has no type", "type")
    try:
        command = COMMAND_ADAPTER.validate_python(fields)
    except ValidationError as err:
        raise _invalid(err, tag=fields.get("type")) from None
    if actor_id is None:
        raise Refused(INVALID, "who sends it? give --actor (or set PATHWAYS_ACTOR)", "actor")
    instant = occurred_at if occurred_at is not None else document.get("occurred_at")
    try:
        return CommandEnvelope(
            command_id=command_id or document.get("command_id") or str(uuid.uuid4()),
            actor=Actor.model_validate({"id": actor_id, "role": role}),
            command=command,
            occurred_at=None if instant is None else business_time(instant),
        )
    except ValidationError as err:
        raise _invalid(err) from None


def opening_document(document: dict[str, Any], command_id: str | None) -> dict[str, Any]:
    """The open_pathway document with its type and pathway id filled in when absent.

    A missing pathway id is derived from the command id when there is one (a retry opens
    the same pathway), else a new uuid4; either way it is opaque.

    Raises:
        Refused: `invalid_command` when the document is another command, or names a
            deadline policy (the configured one applies: see `opened_under`).
    """
    kind = document.get("type", "open_pathway")
    if kind != "open_pathway":
        raise Refused(
            INVALID, f"`pathways open` takes an open_pathway command, not {kind!r}", "type"
        )
    if "policy" in document:
        raise Refused(
            INVALID,
            "the deadline policy comes from PATHWAYS_POLICY_FILE (or the shipped default), "
            "not from the command",
            "policy",
        )
    if document.get("pathway_id") is not None:
        return {**document, "type": kind}
    known_id = command_id or document.get("command_id")
    pathway_id = uuid.uuid5(_PATHWAY_ID_NAMESPACE, str(known_id)) if known_id else uuid.uuid4()
    return {**document, "type": kind, "pathway_id": str(pathway_id)}


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
    try:
        instant = datetime.fromisoformat(str(text))
    except ValueError:
        raise Refused(
            INVALID,
            f"{text!r} is not an ISO datetime like 2026-11-20T09:30:00+01:00",
            "occurred_at",
        ) from None
    if instant.tzinfo is None:
        raise Refused(
            INVALID, f"{text!r} has no time zone; add one, e.g. +01:00 or Z", "occurred_at"
        )
    return instant


def known_at(text: str) -> datetime:
    """The instant of `--as-of`: a datetime (naive means UTC), or a date meaning its last instant.

    Raises:
        Refused: `invalid_command` for anything else.
    """
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) - timedelta(
            microseconds=1
        )
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise Refused(
            INVALID, f"{text!r} is neither a date (2026-11-20) nor an ISO datetime", "as_of"
        ) from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _invalid(error: ValidationError, tag: object = None) -> Refused:
    problems = error.errors(include_url=False)
    first = problems[0]
    if first["type"] == "union_tag_invalid":
        return Refused(INVALID, f"unknown command type {tag!r}", "type")
    more = tuple(f"also {_field(p, tag) or 'the command'}: {p['msg']}" for p in problems[1:])
    return Refused(INVALID, first["msg"], _field(first, tag), more)


def _field(problem: ErrorDetails, tag: object) -> str | None:
    loc = list(problem["loc"])
    # A discriminated union puts the tag first: ("record_baseline", "condition", ...).
    if loc and tag is not None and loc[0] == tag:
        loc = loc[1:]
    return ".".join(str(part) for part in loc) or None


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
