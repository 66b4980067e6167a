"""Indicator targets from a TOML file: the grant agreement's figures over the defaults.

One table per indicator, named by its id, with `value` (a count, a rate from 0 to 1 or a
mean score), and optionally `direction` ("at_least", the default, or "at_most") and `note`.
Indicators a file leaves out keep their default target (`domain.indicators.DEFAULT_TARGETS`).
A file is taken whole or refused whole, naming the file and the line at fault
(`infra.toml_files`, shared with the deadline policy and the budget).

One table is not an indicator: `[project]`, the grant agreement's `title`, `funder`,
`start` and `end` (TOML dates), printed at the head of the funder report.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from domain.indicators import BY_ID, DEFAULT_TARGETS, Target
from infra.toml_files import TomlDocument, TomlFileError, parse_toml, read_toml
from infra.toml_lines import KeyPath

SHIPPED = "indicators/targets.toml"
SHIPPED_NAME = f"infra/{SHIPPED}"
_KEYS = ("value", "direction", "note")
PROJECT = "project"
_PROJECT_KEYS = ("title", "funder", "start", "end")


@dataclass(frozen=True)
class Project:
    """The funded project as the grant agreement names it (the seed's, by default)."""

    title: str = "Rifugiato cittadino"
    funder: str = "FAMI – Fondo Asilo, Migrazione e Integrazione, Ministero dell'Interno"
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Grant:
    """What a targets file holds: the project and every indicator's target."""

    project: Project = field(default_factory=Project)
    targets: dict[str, Target] = field(default_factory=lambda: dict(DEFAULT_TARGETS))


_Fail = Callable[[KeyPath, str], "TargetsFileError"]


class TargetsFileError(TomlFileError):
    """A targets file that cannot be used: which file, which line (when one is at fault), why."""


def load_targets(path: Path | None) -> dict[str, Target]:
    """The targets: the defaults, overridden by the TOML file at `path` (the shipped one if None).

    Raises:
        TargetsFileError: the file cannot be read, is not TOML, or holds an invalid target.
    """
    return load_grant(path).targets


def load_grant(path: Path | None) -> Grant:
    """The project and the targets of the TOML file at `path` (the shipped one if None).

    Raises:
        TargetsFileError: the file cannot be read, is not TOML, or holds an invalid table.
    """
    return _grant(read_toml(path, SHIPPED, TargetsFileError))


def parse_targets(data: bytes, name: str) -> dict[str, Target]:
    """The defaults overridden by the targets in a TOML document; `name` is for errors.

    Raises:
        TargetsFileError: the document is not UTF-8, not TOML, or holds an invalid target.
    """
    return parse_grant(data, name).targets


def parse_grant(data: bytes, name: str) -> Grant:
    """The project and the targets of a TOML document; `name` is for errors.

    Raises:
        TargetsFileError: the document is not UTF-8, not TOML, or holds an invalid table.
    """
    return _grant(parse_toml(data, name, TargetsFileError))


def _grant(document: TomlDocument) -> Grant:
    def fail(path: KeyPath, message: str) -> TargetsFileError:
        return TargetsFileError(document.name, document.line(path), message)

    targets = dict(DEFAULT_TARGETS)
    project = Project()
    for indicator_id, fields in document.data.items():
        if indicator_id == PROJECT:
            project = _project(fields, fail)
            continue
        if indicator_id not in BY_ID:
            raise fail(
                (indicator_id,), f"no indicator {indicator_id!r}{_hint(indicator_id, BY_ID)}"
            )
        if not isinstance(fields, dict):
            raise fail((indicator_id,), f"{indicator_id}: expected a table with `value`")
        targets[indicator_id] = _target(indicator_id, fields, fail)
    return Grant(project, targets)


def _project(fields: object, fail: _Fail) -> Project:
    if not isinstance(fields, dict):
        raise fail((PROJECT,), "project: expected a table with `title`, `start`, `end`")
    for key, value in fields.items():
        if key not in _PROJECT_KEYS:
            raise fail((PROJECT, key), f"project.{key}: unknown key{_hint(key, _PROJECT_KEYS)}")
        wanted = str if key in ("title", "funder") else date
        wrong = not isinstance(value, wanted) or isinstance(value, datetime)
        if wrong or (isinstance(value, str) and not value.strip()):
            kind = "a non-empty string" if wanted is str else "a date (YYYY-MM-DD, unquoted)"
            raise fail((PROJECT, key), f"project.{key}: expected {kind}")
    project = Project(**fields)
    if project.start and project.end and project.end < project.start:
        raise fail((PROJECT, "end"), "project.end: the project ends before it starts")
    return project


def _target(indicator_id: str, fields: dict[str, Any], fail: _Fail) -> Target:
    for key in fields:
        if key not in _KEYS:
            raise fail((indicator_id, key), f"{indicator_id}.{key}: unknown key{_hint(key, _KEYS)}")
    if "value" not in fields:
        raise fail((indicator_id,), f"{indicator_id}: `value` is missing")
    if isinstance(fields["value"], bool):  # pydantic would take true for 1
        raise fail((indicator_id, "value"), f"{indicator_id}.value: expected a number")
    try:
        return Target(indicator_id=indicator_id, **fields)
    except ValidationError as err:
        problem = err.errors(include_url=False)[0]
        # The checks across keys (a rate above 1) report no key: `value` is the one at fault.
        key = str(problem["loc"][0]) if problem["loc"] else "value"
        key = key if key in fields else "value"
        message = problem["msg"].removeprefix("Value error, ")
        raise fail((indicator_id, key), f"{indicator_id}.{key}: {message}") from None


def _hint(given: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(given, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
