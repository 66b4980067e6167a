"""Recorded values as a person reads them: labelled, translated, dates and euro formatted.

The pathway page shows conditions, assessments and each measure's details, progress and
outcome with the same labels their forms use (`web.pages.form_labels`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency
from pydantic import BaseModel

from web.i18n import N_
from web.pages.form_labels import (
    COUNTRY_FIELDS,
    LANGUAGE_FIELDS,
    MONEY_FIELDS,
    field_label,
    option_label,
)
from web.pages.labels import country_name, language_name

YES, NO = N_("Yes"), N_("No")
HIDDEN = frozenset({"kind", "type"})
"""Fields that only tag a model: shown by the heading, not as a row."""


class Describer:
    """Turns models into (label, text) rows in one language."""

    def __init__(self, gettext: Callable[[str], str], language: str) -> None:
        self.gettext, self.language = gettext, language

    def rows(self, model: BaseModel) -> list[tuple[str, str]]:
        """One row per field given, in the model's order; empty fields are left out."""
        owner = type(model).__name__
        found = []
        for name in type(model).model_fields:
            value = getattr(model, name)
            if name in HIDDEN or value is None or value == ():
                continue
            label = self.gettext(field_label(owner, name))
            found.append((label, self.text(value, name)))
        return found

    def text(self, value: Any, name: str = "") -> str:
        """One value as text."""
        if isinstance(value, bool):
            return self.gettext(YES if value else NO)
        if isinstance(value, StrEnum):
            return self.gettext(option_label(type(value).__name__, value.value))
        if isinstance(value, datetime):
            return format_date(value.date(), "medium", locale=self.language)
        if isinstance(value, date):
            return format_date(value, "medium", locale=self.language)
        if isinstance(value, int) and name in MONEY_FIELDS:
            return format_currency(value / 100, "EUR", locale=self.language)
        if isinstance(value, str) and name in LANGUAGE_FIELDS:
            return language_name(self.language, value)
        if isinstance(value, str) and name in COUNTRY_FIELDS:
            return country_name(self.language, value)
        if isinstance(value, BaseModel):
            return "; ".join(f"{label}: {text}" for label, text in self.rows(value))
        if isinstance(value, tuple | list):
            return " · ".join(self.text(item, name) for item in value)
        return str(value)

    def country(self, code: str) -> str:
        """A country's name in the reader's language, from its ISO code."""
        return country_name(self.language, code)
