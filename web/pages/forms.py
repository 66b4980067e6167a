"""Forms from the commands' own models: JSON schema → fields → widgets, and back.

One generator for every form a person fills in, so a new field in a command shows up on
its page without template work. `specs_for(model)` reads the model's JSON schema into
`FieldSpec`s; `document(specs, data)` turns posted form data (flat, dotted names such as
`assessment.languages.0.level`) into the nested dict the command model validates;
`field_errors(error)` maps a pydantic `ValidationError` back to those names with a message
to translate; `web.pages.widgets` gives the templates what to draw, values and errors included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from domain.calendar import PROJECT_TIMEZONE
from web.pages.form_labels import (
    HINTS,
    MONEY_FIELDS,
    VALIDATION_MESSAGES,
    field_label,
    option_label,
)

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
LONG_TEXT = 200
"""Strings allowed longer than this get a text area."""
TRUE_VALUES = frozenset({"on", "true", "1", "yes"})


class Kind(StrEnum):
    STRING = "string"
    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    """A time of day, read in Italian time (a move-in's hour)."""
    MONTH = "month"
    BOOL = "bool"
    ENUM = "enum"
    CHOICE = "choice"
    """A select whose options the page gives, already in the reader's words."""
    COUNTRY = "country"
    CONST = "const"
    OBJECT = "object"
    LIST = "list"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form as its model describes it: what to ask and within which limits."""

    name: str
    kind: Kind
    label: str
    """An English msgid, translated when the form is drawn."""
    required: bool = True
    options: tuple[tuple[str, str], ...] = ()
    """(value, msgid) of an enum select."""
    children: tuple[FieldSpec, ...] = ()
    item: FieldSpec | None = None
    const: str | None = None
    default: Any = None
    minimum: Any = None
    maximum: Any = None
    max_length: int | None = None
    min_items: int = 0
    max_items: int | None = None
    hint: str | None = None


class Message(NamedTuple):
    """A message to translate (an English msgid) and its placeholders."""

    msgid: str
    params: Mapping[str, Any] = {}


# --- schema → specs -------------------------------------------------------------------


def specs_for(
    model: type[BaseModel],
    *,
    exclude: frozenset[str] = frozenset(),
    variants: Mapping[str, type[BaseModel]] | None = None,
    replace: Mapping[str, FieldSpec] | None = None,
) -> tuple[FieldSpec, ...]:
    """The fields of `model`'s form.

    Args:
        exclude: top-level fields the form leaves out (set by the server, or not asked).
        variants: the model to use for a union field, e.g. `{"details": WorkGrantDetails}`.
        replace: a ready spec for a top-level field (a select of caseworkers, a fixed id).
    """
    schema = model.model_json_schema()
    specs = []
    for name, prop in schema.get("properties", {}).items():
        if name in exclude:
            continue
        if replace and name in replace:
            specs.append(replace[name])
            continue
        required = name in schema.get("required", ())
        if variants and name in variants:
            inner = variants[name]
            children = specs_for(inner)
            specs.append(
                FieldSpec(name, Kind.OBJECT, field_label(model.__name__, name), True, (), children)
            )
            continue
        specs.append(_spec(name, prop, schema.get("$defs", {}), model.__name__, required))
    return tuple(specs)


def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """The schema with its `$ref` (if any) followed, and the name of the definition."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        merged = {**defs[name], **{k: v for k, v in schema.items() if k != "$ref"}}
        return merged, name
    return dict(schema), str(schema.get("title", ""))


def _spec(
    name: str, schema: Mapping[str, Any], defs: Mapping[str, Any], owner: str, required: bool
) -> FieldSpec:
    resolved, def_name = _resolve(schema, defs)
    if "anyOf" in resolved:
        others = [s for s in resolved["anyOf"] if s.get("type") != "null"]
        if len(others) != 1:
            raise TypeError(f"{owner}.{name}: a union needs a variant")
        inner = {**others[0], **{k: v for k, v in resolved.items() if k != "anyOf"}}
        return _spec(name, inner, defs, owner, required=False)
    common: dict[str, Any] = {
        "required": required,
        "default": resolved.get("default"),
        "hint": HINTS.get(f"{owner}.{name}", HINTS.get(name)),
    }
    if "const" in resolved:
        return FieldSpec(name, Kind.CONST, "", const=str(resolved["const"]), **common)
    label = field_label(owner, name)
    if "enum" in resolved:
        options = tuple((str(v), option_label(def_name, str(v))) for v in resolved["enum"])
        return FieldSpec(name, Kind.ENUM, label, options=options, **common)
    kind = resolved.get("type")
    if kind == "object":
        children = tuple(
            _spec(child, prop, defs, def_name, child in resolved.get("required", ()))
            for child, prop in resolved.get("properties", {}).items()
        )
        return FieldSpec(name, Kind.OBJECT, label, children=children, **common)
    if kind == "array":
        item = _spec(name, resolved["items"], defs, owner, required=True)
        return FieldSpec(
            name,
            Kind.LIST,
            label,
            item=item,
            min_items=resolved.get("minItems", 0),
            max_items=resolved.get("maxItems"),
            **common,
        )
    if kind == "string":
        return FieldSpec(
            name, _string_kind(resolved), label, max_length=resolved.get("maxLength"), **common
        )
    if kind in ("integer", "number"):
        widget = Kind.INT if kind == "integer" else Kind.NUMBER
        if name in MONEY_FIELDS:
            widget = Kind.MONEY
        return FieldSpec(
            name,
            widget,
            label,
            minimum=resolved.get("minimum"),
            maximum=resolved.get("maximum"),
            **common,
        )
    if kind == "boolean":
        return FieldSpec(name, Kind.BOOL, label, **common)
    raise TypeError(f"{owner}.{name}: no widget for {resolved}")


def _string_kind(schema: Mapping[str, Any]) -> Kind:
    match schema.get("format"), schema.get("pattern"):
        case "date", _:
            return Kind.DATE
        case "date-time", _:
            return Kind.DATETIME
        case "time", _:
            return Kind.TIME
        case _, pattern if pattern == MONTH_PATTERN:
            return Kind.MONTH
        case _, pattern if pattern == COUNTRY_PATTERN:
            return Kind.COUNTRY
    if (schema.get("maxLength") or 0) > LONG_TEXT:
        return Kind.TEXT
    return Kind.STRING


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


def find(specs: tuple[FieldSpec, ...], path: str) -> FieldSpec | None:
    """The spec at a dotted path of names (list rows have no name of their own)."""
    head, _, rest = path.partition(".")
    for spec in specs:
        if spec.name == head:
            if not rest:
                return spec
            inner = spec.children if spec.kind == Kind.OBJECT else ()
            return find(inner, rest)
    return None


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
