"""A Markdown table as the lines of RESULTS.md: header, rule, one line per row."""

from __future__ import annotations

from typing import Any


def markdown_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """The table's lines and a blank one after it; `None` shows as `–`."""

    def cell(value: Any) -> str:
        return "–" if value is None else str(value)

    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(cell(v) for v in row) + " |" for row in rows),
        "",
    ]
