"""How the reader's language writes what the history timeline shows: `Wording` translates
a message with its values put in, and writes a domain code's label, a day, a person's name,
an organisation's name and a measure's name.

The labels it looks up are the pages' shared ones (`web.pages.labels`), then the timeline's
own (`web.pages.event_labels`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.measures import MeasureKind
from domain.values import CefrLevel
from web.pages import event_labels as labels
from web.pages.labels import LABELS as DOMAIN_LABELS
from web.pages.labels import measure_name


@dataclass(frozen=True)
class Wording:
    """How the reader's language writes labels, dates and names."""

    gettext: Callable[[str], str]
    day: Callable[[date], str]
    name: Callable[[str], str]
    """A person's display name from their account id (the id when unknown)."""
    organisation: Callable[[str], str] = str
    """An organisation's name from its id (the id when unknown)."""

    def _(self, msgid: str, **values: object) -> str:
        """`msgid` translated, with `values` put in (pybabel extracts `w._("…")`)."""
        text = self.gettext(msgid)
        return text % values if values else text

    def label(self, value: StrEnum) -> str:
        """The label of a domain code: the pages' shared labels, then the timeline's own."""
        if type(value) is CefrLevel:
            return value.value.upper().replace("PRE_", "pre-")
        table = DOMAIN_LABELS.get(type(value)) or labels.LABELS.get(type(value))
        msgid = None if table is None else table.get(value)
        return self.gettext(msgid) if msgid is not None else value.value.replace("_", " ")

    def measure(self, measure_id: str, kind: MeasureKind | None) -> str:
        named = measure_name(self.gettext, measure_id)
        if kind is None or named != measure_id:
            return named
        return self._("%(kind)s (%(measure)s)", kind=self.label(kind), measure=measure_id)
