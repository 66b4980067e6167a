"""Dates of facts: a day on which something happened is never after the day it is recorded.

A command's fields say what they hold: a date marked `FactDate` (or a month marked
`FactMonth`) records something that happened (completed, issued, moved in, paid, hours
worked); an unmarked date is a plan or a schedule (a target date, the start or end of a
measure, a permit's expiry) and may lie ahead. `decide` checks every command with
`fact_in_future`, so no command can record a fact from the future, whatever its shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from domain.calendar import month_start


@dataclass(frozen=True)
class Happened:
    """The marker of a field whose value is the day (or month) something happened."""


HAPPENED = Happened()

FactDate = Annotated[date, HAPPENED]
"""The day something happened: not after the Italian day on which it is recorded."""
FactMonth = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$"), HAPPENED]
"""`YYYY-MM`, a month whose hours were worked or attended: begun by the day it is recorded."""


def fact_in_future(value: Any, today: date, path: str = "") -> tuple[str, str] | None:
    """The first fact inside `value` dated after `today`: its field's dotted path and value.

    Walks models (following the `Happened` marker of their fields), sequences and mappings.
    A month is in the future when its first day is after `today`. None when every fact
    has happened by `today`.
    """
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            item, where = getattr(value, name), f"{path}.{name}" if path else name
            if HAPPENED in info.metadata and item is not None:
                day = month_start(item) if isinstance(item, str) else item
                if day > today:
                    return where, str(item)
            elif (found := fact_in_future(item, today, where)) is not None:
                return found
        return None
    items: Any
    if isinstance(value, list | tuple):
        items = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
    else:
        return None
    for key, item in items:
        found = fact_in_future(item, today, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None
