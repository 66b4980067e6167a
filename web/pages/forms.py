"""Forms from the commands' own models: JSON schema → fields, one `FieldSpec` each.

One generator for every form a person fills in, so a new field in a command shows up on
its page without template work. `specs_for(model)` reads the model's JSON schema into
`FieldSpec`s and `find(specs, path)` finds one by its dotted name; `web.pages.form_input`
turns posted form data into the nested dict the command model validates and maps a
pydantic `ValidationError` onto the inputs' names, each with a `Message` to translate;
`web.pages.widgets` gives the templates what to draw, values and errors included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel

from web.pages.form_labels import (
    HINTS,
    MONEY_FIELDS,
    field_label,
    option_label,
)

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
LONG_TEXT = 200
"""Strings allowed longer than this get a text area."""


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
