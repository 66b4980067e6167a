"""Widgets: a form's fields as the templates draw them, filled in and with their errors.

`widgets(specs, data, errors, gettext, …)` walks the specs of `web.pages.forms` with the
posted (or initial) data: each widget knows its input name and a page-unique id, its
translated label, hint and options, its value and its error. Lists get their rows (the
posted ones, else a few empty ones) and the index of the next row for "add another".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from babel import Locale

from web.pages.form_input import TRUE_VALUES, join, list_indices
from web.pages.forms import FieldSpec, Kind, Message
from web.pages.labels import name_codes


@dataclass
class Widget:
    """A field as a template draws it: its input name and id, value, options and error."""

    spec: FieldSpec
    name: str
    id: str
    label: str
    value: str = ""
    checked: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    hint: str | None = None
    error: str | None = None
    children: list[Widget] = field(default_factory=list)
    """An object's fields, or a list's rows."""
    next_index: int = 0

    @property
    def kind(self) -> str:
        return self.spec.kind.value


@dataclass
class Form:
    """What a template needs to draw one form; `errors` are those no field shows."""

    widgets: list[Widget]
    errors: list[str]
    marked: int = 0
    """How many fields show an error of their own."""


Gettext = Callable[[str], str]


def widgets(
    specs: tuple[FieldSpec, ...],
    data: Mapping[str, str],
    errors: Mapping[str, Message],
    gettext: Gettext,
    *,
    form_id: str,
    language: str,
    blank_rows: int = 1,
) -> Form:
    """The widgets of a form, filled in with `data` (posted, or defaults) and its errors."""
    builder = _Builder(data, errors, gettext, form_id, language, blank_rows)
    drawn = [builder.build(spec, spec.name) for spec in specs]
    rest = [builder.message(m) for name, m in errors.items() if name not in builder.used]
    return Form(drawn, rest, len(builder.used))


def translate(gettext: Gettext, message: Message) -> str:
    text = gettext(message.msgid)
    return text % dict(message.params) if message.params else text


class _Builder:
    def __init__(
        self,
        data: Mapping[str, str],
        errors: Mapping[str, Message],
        gettext: Gettext,
        form_id: str,
        language: str,
        blank_rows: int,
    ) -> None:
        self.data, self.errors, self.gettext = data, errors, gettext
        self.form_id, self.language, self.blank_rows = form_id, language, blank_rows
        self.used: set[str] = set()

    def message(self, message: Message) -> str:
        return translate(self.gettext, message)

    def build(self, spec: FieldSpec, name: str) -> Widget:
        error = self.errors.get(name)
        if error is not None:
            self.used.add(name)
        widget = Widget(
            spec=spec,
            name=name,
            id=f"{self.form_id}--{name.replace('.', '--')}",
            label=self.gettext(spec.label) if spec.label else "",
            hint=self.gettext(spec.hint) if spec.hint else None,
            error=self.message(error) if error is not None else None,
        )
        match spec.kind:
            case Kind.OBJECT:
                widget.children = [self.build(c, join(name, c.name)) for c in spec.children]
            case Kind.LIST:
                assert spec.item is not None
                indices = list_indices(self.data, name)
                if not indices:
                    indices = list(range(max(self.blank_rows, spec.min_items)))
                widget.children = [self.row(spec.item, join(name, i)) for i in indices]
                widget.next_index = indices[-1] + 1 if indices else 0
            case Kind.BOOL:
                widget.checked = self.data.get(name, "").lower() in TRUE_VALUES
            case Kind.CONST:
                widget.value = spec.const or ""
            case _:
                widget.value = self.data.get(name, "")
        if spec.kind == Kind.ENUM:
            widget.options = [(value, self.gettext(msgid)) for value, msgid in spec.options]
        elif spec.kind == Kind.CHOICE:
            # Choices are made of the pathway's codes (measures, payments): named here.
            widget.options = [(v, name_codes(self.gettext, text)) for v, text in spec.options]
        elif spec.kind == Kind.COUNTRY:
            widget.options = countries(self.language)
        return widget

    def row(self, item: FieldSpec, name: str) -> Widget:
        return self.build(item, name)


def row_widget(
    spec: FieldSpec, list_name: str, index: int, gettext: Gettext, *, form_id: str, language: str
) -> Widget:
    """One empty row of a list, for htmx's "add another"."""
    assert spec.item is not None
    builder = _Builder({}, {}, gettext, form_id, language, 0)
    return builder.row(spec.item, join(list_name, index))


_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


def countries(language: str) -> list[tuple[str, str]]:
    """Every country by its ISO code, named and sorted in the reader's language."""
    names = Locale.parse(language).territories
    pairs = [(code, name) for code, name in names.items() if _COUNTRY_CODE.match(code)]
    return sorted(
        ((c, n) for c, n in pairs if c not in {"ZZ", "EU", "UN", "EZ", "QO"}), key=lambda p: p[1]
    )
