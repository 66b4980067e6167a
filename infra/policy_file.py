"""Policies from TOML files: the shipped default, or the file PATHWAYS_POLICY_FILE names.

A file is taken whole or refused whole, with the file and the line at fault: TOML syntax
errors where tomllib found them, validation errors at the line of the offending key (or of
the table that lacks one). The domain's own rules (revisions in date order, distinct step
names, a non-empty ladder) are checked by `domain.policy` as the file is validated.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from domain.policy import Deadlines, LadderStep, PaymentTerms, Policy, PolicyRevision
from infra.toml_files import TomlDocument, TomlFileError, parse_toml, read_toml
from infra.toml_lines import KeyPath

SHIPPED = "policies/default.toml"
SHIPPED_NAME = f"infra/{SHIPPED}"
"""How messages name the default policy shipped as package data."""
DEMO = "policies/demo.toml"

# Where each model sits in a policy document, by the named steps of an error's path.
_MODELS: dict[tuple[str, ...], type[BaseModel]] = {
    (): Policy,
    ("revisions",): PolicyRevision,
    ("revisions", "deadlines"): Deadlines,
    ("revisions", "ladder"): LadderStep,
    ("revisions", "payments"): PaymentTerms,
}


INVALID_POLICY = "invalid_policy"


class PolicyFileError(TomlFileError):
    """A policy file that cannot be used: which file, which line (when one is at fault), why
    (`invalid_policy`)."""

    code = INVALID_POLICY


def load_policy(path: Path | None) -> Policy:
    """The policy in the TOML file at `path`; the shipped default when `path` is None.

    Raises:
        PolicyFileError: the file cannot be read, is not TOML, or is not a valid policy.
    """
    return _policy(read_toml(path, SHIPPED, PolicyFileError))


def load_demo_policy() -> Policy:
    """The demo policy shipped beside the default (`policies/demo.toml`): the default with
    time compressed, for the walkthrough and `pathways demo`."""
    return _policy(read_toml(None, DEMO, PolicyFileError))


def parse_policy(data: bytes, name: str) -> Policy:
    """The policy in a TOML document (UTF-8); `name` says where it came from in errors.

    Raises:
        PolicyFileError: the document is not UTF-8, not TOML, or not a valid policy.
    """
    return _policy(parse_toml(data, name, PolicyFileError))


def _policy(document: TomlDocument) -> Policy:
    try:
        return Policy.model_validate(document.data)
    except ValidationError as err:
        raise _validation_error(document, err) from None


def _validation_error(document: TomlDocument, error: ValidationError) -> PolicyFileError:
    problems = _without_echoes(error.errors(include_url=False))
    first = problems[0]
    path = _at_fault(tuple(first["loc"]), document.data)
    message = f"{_dotted(path)}: {_describe(first, path)}" if path else _describe(first, path)
    if len(problems) > 1:
        others = len(problems) - 1
        message += f" (and {others} more problem{'s' if others > 1 else ''})"
    # A top-level key is missing: the document as a whole is at fault, from its first line.
    return PolicyFileError(document.name, document.line(path), message)


def _without_echoes(problems: list[ErrorDetails]) -> list[ErrorDetails]:
    """The problems without "too short" echoes: a list whose invalid items were dropped."""
    deeper = [p["loc"] for p in problems]
    return [
        p
        for p in problems
        if p["type"] != "too_short"
        or not any(loc[: len(p["loc"])] == p["loc"] and loc != p["loc"] for loc in deeper)
    ]


def _at_fault(path: KeyPath, document: dict[str, Any]) -> KeyPath:
    """The key that breaks a rule checked across several keys, else `path` itself.

    The domain checks revision order on the whole policy and step names on the whole
    revision; the line to name is that of the first key that breaks the rule.
    """
    revisions = document.get("revisions")
    if not isinstance(revisions, list):
        return path
    if path == ():
        days = [_day(r.get("effective_from")) if isinstance(r, dict) else None for r in revisions]
        for index in range(1, len(days)):
            before, day = days[index - 1], days[index]
            if before is not None and day is not None and day <= before:
                return ("revisions", index, "effective_from")
        return path
    if len(path) == 2 and path[0] == "revisions" and isinstance(path[1], int):
        revision = revisions[path[1]] if path[1] < len(revisions) else None
        ladder = revision.get("ladder") if isinstance(revision, dict) else None
        seen: set[object] = set()
        for index, step in enumerate(ladder if isinstance(ladder, list) else []):
            named = step.get("step") if isinstance(step, dict) else None
            if named in seen:
                return (*path, "ladder", index, "step")
            seen.add(named)
    return path


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _describe(problem: ErrorDetails, path: KeyPath) -> str:
    key = path[-1] if path else None
    match problem["type"]:
        case "extra_forbidden":
            return f"unknown key {key!r}{_suggestion(path)}"
        case "missing":
            return f"missing key {key!r}"
        case "value_error":
            return problem["msg"].removeprefix("Value error, ")
    given = problem.get("input")
    if isinstance(given, str | int | float | date):
        return f"{problem['msg']} (not {given!r})"
    return problem["msg"]


def _suggestion(path: KeyPath) -> str:
    model = _MODELS.get(tuple(step for step in path[:-1] if isinstance(step, str)))
    if model is None:
        return ""
    known = list(model.model_fields)
    close = difflib.get_close_matches(str(path[-1]), known, n=1)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f"; expected one of {', '.join(known)}"


def _dotted(path: KeyPath) -> str:
    """`revisions[1].deadlines.baseline`: a path as a person finds it in the file."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append(f".{step}" if parts else step)
    return "".join(parts)
