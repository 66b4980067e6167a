"""A form's input, read into the document a command model validates, and written back.

A form's inputs have flat, dotted names (`assessment.languages.0.level`, from the
`FieldSpec`s of `web.pages.forms`): `document(specs, data)` turns the posted data into the
nested dict the command model validates; `field_errors(error)` maps a pydantic
`ValidationError` back to those names with a message to translate; `edit_rows` adds or
drops a list's row without JavaScript; `flatten` and `defaults` give the form data an edit
form or a new form starts from.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from domain.calendar import PROJECT_TIMEZONE
from web.pages.form_labels import VALIDATION_MESSAGES
from web.pages.forms import FieldSpec, Kind, Message

TRUE_VALUES = frozenset({"on", "true", "1", "yes"})
"""The posted values that read as a ticked box."""


# --- form data → document ---------------------------------------------------------------


def join(prefix: str, name: str | int) -> str:
    return f"{prefix}.{name}" if prefix else str(name)


def list_indices(data: Mapping[str, str], path: str) -> list[int]:
    """The row indices a posted list has, e.g. 0, 2 for `measures.0.…` and `measures.2.…`."""
    found = set()
    for key in data:
        if key.startswith(path + "."):
            head = key[len(path) + 1 :].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def document(
    specs: tuple[FieldSpec, ...], data: Mapping[str, str], prefix: str = ""
) -> tuple[dict[str, Any], dict[str, str]]:
    """The nested dict of the posted form, and the renamings of the rows kept.

    Empty inputs are left out, so a model's default applies and a missing required field
    is reported as such; rows of a list left empty are dropped. The renamings say which
    posted row each kept row was (`measures.1` → `measures.2` when row 1 was empty), so
    errors go back to the row the person sees.
    """
    result: dict[str, Any] = {}
    renamed: dict[str, str] = {}
    for spec in specs:
        value, more = _value(spec, data, join(prefix, spec.name))
        renamed.update(more)
        if value is not None:
            result[spec.name] = value
    return result, renamed


def _value(spec: FieldSpec, data: Mapping[str, str], path: str) -> tuple[Any, dict[str, str]]:
    match spec.kind:
        case Kind.CONST:
            return spec.const, {}
        case Kind.BOOL:
            return data.get(path, "").strip().lower() in TRUE_VALUES, {}
        case Kind.OBJECT:
            inner, renamed = document(spec.children, data, path)
            if not spec.required and not _filled(spec.children, inner):
                return None, renamed
            return inner, renamed
        case Kind.LIST:
            return _list_value(spec, data, path)
    raw = data.get(path, "").strip()
    if not raw:
        return None, {}
    if spec.kind == Kind.MONEY:
        return euro_cents(raw), {}
    if spec.kind == Kind.DATETIME:
        return local_instant(raw), {}
    return raw, {}


def _list_value(spec: FieldSpec, data: Mapping[str, str], path: str) -> tuple[Any, dict[str, str]]:
    assert spec.item is not None
    rows: list[Any] = []
    renamed: dict[str, str] = {}
    for index in list_indices(data, path):
        value, more = _value(spec.item, data, join(path, index))
        if spec.item.kind == Kind.OBJECT:
            if not _filled(spec.item.children, value):
                continue
        elif value is None:
            continue
        renamed.update(more)
        if len(rows) != index:
            renamed[join(path, len(rows))] = join(path, index)
        rows.append(value)
    return rows, renamed


def _filled(children: tuple[FieldSpec, ...], value: Mapping[str, Any]) -> bool:
    """Whether a person wrote anything in a group (constants and unticked boxes do not count)."""
    for child in children:
        given = value.get(child.name)
        if child.kind in (Kind.CONST,) or given is None or given is False or given == []:
            continue
        if child.kind == Kind.OBJECT and not _filled(child.children, given):
            continue
        return True
    return False


def euro_cents(text: str) -> int | str:
    """Euro as people write them (`1.234,50`, `1234.5`, `800`) in cents; else the text."""
    cleaned = text.replace("€", "").replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") == 1 and len(cleaned.rsplit(".", 1)[1]) == 3:
        cleaned = cleaned.replace(".", "")  # 1.234 is a thousands separator
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return text
    cents = amount * 100
    return int(cents) if cents == cents.to_integral_value() else text


def local_instant(text: str) -> str:
    """A `datetime-local` input read in Italian time, as an ISO instant."""
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        return text
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=PROJECT_TIMEZONE)
    return instant.isoformat()


# --- errors -------------------------------------------------------------------------------


def field_errors(
    error: ValidationError, *, skip: int = 0, renamed: Mapping[str, str] | None = None
) -> dict[str, Message]:
    """The first problem of each field, by the name of its input.

    Args:
        skip: leading parts of each error location to drop (a union's tag).
        renamed: from `document`: the posted row of each validated row.
    """
    found: dict[str, Message] = {}
    problems = error.errors(include_url=False)
    for problem in problems:
        if problem["type"] == "too_short" and _has_inner(problem["loc"], problems):
            continue  # pydantic counts a tuple's invalid items out: they are the problem
        loc = [str(part) for part in problem["loc"][skip:]]
        name = ".".join(loc)
        for validated, posted in sorted((renamed or {}).items(), key=lambda r: -len(r[0])):
            if name == validated or name.startswith(validated + "."):
                name = posted + name[len(validated) :]
                break
        msgid = VALIDATION_MESSAGES.get(problem["type"], VALIDATION_MESSAGES["value_error"])
        params = {k: str(v) for k, v in (problem.get("ctx") or {}).items()}
        found.setdefault(name, Message(msgid, params))
    return found


def edit_rows(data: dict[str, str]) -> bool:
    """Without JavaScript: add an empty row to a list, or drop one. False if unknown."""
    added, removed = data.pop("_add", None), data.pop("_remove", None)
    if added is not None:
        indices = list_indices(data, added)
        data[f"{added}.{indices[-1] + 1 if indices else 0}.__row"] = ""
        return True
    if removed is not None:
        for key in [k for k in data if k == removed or k.startswith(removed + ".")]:
            del data[key]
        return True
    return False


def _has_inner(loc: tuple[Any, ...], problems: list[Any]) -> bool:
    return any(len(p["loc"]) > len(loc) and p["loc"][: len(loc)] == loc for p in problems)


# --- defaults → flat data -----------------------------------------------------------------


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    """Form data from a nested dict (a model's dump): what an edit form starts from."""
    flat: dict[str, str] = {}
    if isinstance(value, Mapping):
        for key, inner in value.items():
            flat.update(flatten(inner, join(prefix, key)))
    elif isinstance(value, list | tuple):
        for index, inner in enumerate(value):
            flat.update(flatten(inner, join(prefix, index)))
    elif isinstance(value, bool):
        if value:
            flat[prefix] = "on"
    elif value is not None:
        flat[prefix] = str(value)
    return flat


def defaults(specs: tuple[FieldSpec, ...], prefix: str = "") -> dict[str, str]:
    """The schema defaults of a form, as form data (e.g. one adult in the household)."""
    flat: dict[str, str] = {}
    for spec in specs:
        path = join(prefix, spec.name)
        if spec.kind == Kind.OBJECT:
            flat.update(defaults(spec.children, path))
        if spec.default is not None and spec.kind != Kind.CONST:
            flat.update(flatten(spec.default, path))
    return flat
